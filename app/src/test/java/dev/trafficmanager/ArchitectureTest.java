package dev.trafficmanager;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;

/**
 * The architecture's rules, checked on the production classes of every module (this module's tests
 * see them all): the processor and the consumers never reach into the API, an {@code internal}
 * package is used only from the package tree it belongs to, and packages do not depend on each
 * other in cycles.
 */
@AnalyzeClasses(
    packages = "dev.trafficmanager",
    importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

  /** They run as services of their own; what they share with the API lives in runtime/schemas. */
  @ArchTest
  static final ArchRule processorAndConsumersNeverDependOnTheApi =
      noClasses()
          .that()
          .resideInAnyPackage("dev.trafficmanager.processor..", "dev.trafficmanager.consumers..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("dev.trafficmanager.api..");

  /**
   * {@code a.b.internal..} is the private machinery of {@code a.b}: only classes in {@code a.b..}
   * may use it. That holds for a library's internal packages too: none of them is ours to use.
   */
  @ArchTest
  static final ArchRule internalPackagesAreUsedOnlyWithinTheirOwnTree =
      classes().should(useOnlyTheInternalPackagesOfTheirOwnTree());

  /** Each package is a slice: a cycle between any two of them fails. */
  @ArchTest
  static final ArchRule packagesAreFreeOfCycles =
      slices().matching("dev.trafficmanager.(**)").should().beFreeOfCycles();

  private static ArchCondition<JavaClass> useOnlyTheInternalPackagesOfTheirOwnTree() {
    return new ArchCondition<>("use only the internal packages of their own package tree") {
      @Override
      public void check(JavaClass origin, ConditionEvents events) {
        for (Dependency dependency : origin.getDirectDependenciesFromSelf()) {
          String owner = internalOwner(dependency.getTargetClass().getPackageName());
          String from = origin.getPackageName();
          if (owner != null && !from.equals(owner) && !from.startsWith(owner + ".")) {
            events.add(SimpleConditionEvent.violated(dependency, dependency.getDescription()));
          }
        }
      }
    };
  }

  /** The package whose machinery {@code packageName} is ({@code a.b} of {@code a.b.internal.c}). */
  private static String internalOwner(String packageName) {
    int internal = (packageName + ".").indexOf(".internal.");
    return internal < 0 ? null : packageName.substring(0, internal);
  }
}

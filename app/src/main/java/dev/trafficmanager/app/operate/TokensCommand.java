package dev.trafficmanager.app.operate;

import dev.trafficmanager.api.auth.IssuedToken;
import dev.trafficmanager.api.auth.NewToken;
import dev.trafficmanager.api.auth.TokenIssuer;
import dev.trafficmanager.api.auth.TokenSecrets;
import dev.trafficmanager.api.auth.TokenStore;
import dev.trafficmanager.api.auth.TokenView;
import dev.trafficmanager.config.Settings;
import dev.trafficmanager.database.DatabaseSettings;
import dev.trafficmanager.database.Migrations;
import dev.trafficmanager.route.InvalidInputException;
import java.io.PrintWriter;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code tokens create|list|revoke}: the API's bearer tokens, managed in PostgreSQL directly (with
 * {@code TM_DB_*}), so that the first admin token can be made before any exists.
 */
@Command(
    name = "tokens",
    mixinStandardHelpOptions = true,
    description = {
      "Make, list and revoke the API's bearer tokens, in PostgreSQL directly (TM_DB_URL,"
          + " TM_DB_USER, TM_DB_PASSWORD): whoever holds the database's credentials is an admin,"
          + " so this also makes the first admin token. A token is shown once, when it is made;"
          + " only its SHA-256 hash is stored.",
      "Scopes: routes:write, routes:read and audit:read for the token's tenants (--tenant), or"
          + " admin for every tenant and token management."
    },
    footer = {
      "",
      "Example:",
      "  traffic-manager tokens create --tenant acme --scope routes:write \\",
      "    --name deploy-bot --expires 90d",
      "  traffic-manager tokens create --scope admin --name ops-alice --expires 30d",
      "  traffic-manager tokens list",
      "  traffic-manager tokens revoke 42"
    },
    subcommands = {
      TokensCommand.Create.class,
      TokensCommand.ListTokens.class,
      TokensCommand.Revoke.class
    })
public final class TokensCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** The store on the database of {@code settings}, migrated first (it may be brand new). */
  static TokenStore store(Settings settings) {
    DatabaseSettings database = DatabaseSettings.from(settings);
    Migrations.migrate(database);
    return TokenStore.connect(database);
  }

  /** {@code tokens create}. */
  @Command(
      name = "create",
      mixinStandardHelpOptions = true,
      sortOptions = false,
      description =
          "Make a token and print it (on stdout, alone, so that TOKEN=$(…) keeps it): it is never"
              + " shown again. What it is for goes to stderr.",
      footer = {
        "",
        "Exit status: 0 made, 1 PostgreSQL failed, 2 invalid usage.",
        "",
        "Example:",
        "  traffic-manager tokens create --tenant acme --scope routes:write \\",
        "    --scope routes:read --name deploy-bot --expires 90d"
      })
  public static final class Create extends StoreCommand {
    private static final Map<String, String> OPTIONS =
        Map.of(
            NewToken.NAME, "--name",
            NewToken.TENANTS, "--tenant",
            NewToken.SCOPES, "--scope",
            NewToken.EXPIRES_IN, "--expires");

    private NewToken request;

    @Option(
        names = "--name",
        required = true,
        paramLabel = "<name>",
        description = "Who it is for: the actor of every change it makes, e.g. deploy-bot.")
    String name;

    @Option(
        names = "--tenant",
        split = ",",
        paramLabel = "<tenant>",
        description =
            "A tenant its scopes hold for; repeat it or separate with commas. Not for" + " admin.")
    List<String> tenants = new ArrayList<>();

    @Option(
        names = "--scope",
        split = ",",
        required = true,
        paramLabel = "<scope>",
        description =
            "routes:write, routes:read, audit:read or admin; repeat it or separate with"
                + " commas.")
    List<String> scopes = new ArrayList<>();

    @Option(
        names = "--expires",
        paramLabel = "<lifetime>",
        description = "Its lifetime, like 90d, 12h or 30m (at most 3650d). Default: until revoked.")
    String expires;

    public Create(Settings settings) {
      super(settings);
    }

    @Override
    void validate() {
      try {
        request = NewToken.of(name, tenants, scopes, expires);
      } catch (InvalidInputException e) {
        throw new CommandLine.ParameterException(
            spec.commandLine(),
            e.violations().stream()
                .map(v -> OPTIONS.getOrDefault(v.field(), v.field()) + " " + v.rule())
                .collect(Collectors.joining("; ")));
      }
    }

    @Override
    int run(TokenStore store) {
      IssuedToken issued =
          new TokenIssuer(store, new TokenSecrets(new SecureRandom()), Clock.systemUTC())
              .issue(request);
      PrintWriter err = spec.commandLine().getErr();
      err.printf(
          "Made token %d (%s): %s. It is shown this once:%n",
          issued.view().id(), issued.view().name(), describe(issued.view()));
      err.flush();
      spec.commandLine().getOut().println(issued.token());
      return 0;
    }
  }

  /** {@code tokens list}. */
  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "List every token, revoked and expired ones too, oldest first; never a token.",
      footer = {"", "Example:", "  traffic-manager tokens list"})
  public static final class ListTokens extends StoreCommand {
    public ListTokens(Settings settings) {
      super(settings);
    }

    @Override
    int run(TokenStore store) {
      PrintWriter out = spec.commandLine().getOut();
      out.printf("%-6s %-24s %-12s %s%n", "id", "name", "status", "scopes, expiry, last use");
      Instant now = Instant.now();
      for (TokenView token : store.list()) {
        out.printf(
            "%-6d %-24s %-12s %s%n",
            token.id(),
            token.name(),
            token.refusal(now).isPresent()
                ? (token.revokedAt() != null ? "revoked" : "expired")
                : "active",
            describe(token));
      }
      return 0;
    }
  }

  /** {@code tokens revoke ID}. */
  @Command(
      name = "revoke",
      mixinStandardHelpOptions = true,
      description =
          "Revoke a token: every API instance refuses it within TM_AUTH_CACHE_TTL (5 s). The"
              + " token stays listed, with the time it was revoked.",
      footer = {
        "",
        "Exit status: 0 revoked, 1 no such token or PostgreSQL failed, 2 invalid usage.",
        "",
        "Example:",
        "  traffic-manager tokens revoke 42"
      })
  public static final class Revoke extends StoreCommand {
    @Parameters(paramLabel = "<id>", description = "The token's id, from tokens list.")
    long id;

    public Revoke(Settings settings) {
      super(settings);
    }

    @Override
    int run(TokenStore store) {
      if (!store.revoke(id, Instant.now())) {
        spec.commandLine().getErr().printf("No token has the id %d.%n", id);
        return 1;
      }
      spec.commandLine()
          .getOut()
          .printf(
              "Revoked token %d. Every API instance refuses it within TM_AUTH_CACHE_TTL"
                  + " (5 s by default).%n",
              id);
      return 0;
    }
  }

  /**
   * A subcommand that works on the token table: its options are checked ({@link #validate}) before
   * PostgreSQL is asked anything; a database failure is exit 1 with one line saying why.
   */
  abstract static class StoreCommand implements Callable<Integer> {
    private final Settings settings;

    @Spec CommandSpec spec;

    StoreCommand(Settings settings) {
      this.settings = settings;
    }

    /** Checks the options, throwing a ParameterException (exit 2) naming the bad one. */
    void validate() {}

    abstract int run(TokenStore store);

    @Override
    public final Integer call() {
      validate();
      DatabaseSettings database = DatabaseSettings.from(settings);
      try {
        return run(store(settings));
      } catch (RuntimeException e) {
        Throwable cause = e;
        while (cause.getCause() != null) {
          cause = cause.getCause();
        }
        spec.commandLine()
            .getErr()
            .printf("Failed: PostgreSQL at %s: %s%n", database.address(), cause.getMessage());
        return 1;
      }
    }
  }

  private static String describe(TokenView token) {
    String scopes = String.join(",", token.scopes());
    String tenants = token.tenants().isEmpty() ? "" : " for " + String.join(",", token.tenants());
    return scopes
        + tenants
        + (token.expiresAt() == null ? ", never expires" : ", expires " + token.expiresAt())
        + (token.revokedAt() == null ? "" : ", revoked " + token.revokedAt())
        + (token.lastUsedAt() == null ? ", never used" : ", last used " + token.lastUsedAt());
  }
}

# One image for every service; the command picks the service (api, processor, consumer <name>).
# It holds the production jar only (no embedded servers, no bench) on a Java runtime that jlink
# cuts down to the JDK modules the jar uses.
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
RUN mvn -B -ntp -q package -DskipTests -pl app -am
# jdeps lists the modules the jar's classes refer to; jdk.crypto.ec is only ever loaded as a
# security provider (TLS with elliptic-curve keys), so no class names it.
RUN jlink \
      --add-modules "$(jdeps --ignore-missing-deps --print-module-deps --multi-release 17 \
        app/target/traffic-manager.jar),jdk.crypto.ec" \
      --strip-debug --no-header-files --no-man-pages --compress=2 --output /opt/java

FROM ubuntu:24.04
# curl serves the health checks of docker-compose.yml.
RUN apt-get update && apt-get install -y --no-install-recommends curl \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 traffic-manager \
    && mkdir -p /var/lib/traffic-manager && chown traffic-manager /var/lib/traffic-manager
# Java 17 takes its default charset from the locale, which the base image leaves unset (ASCII).
ENV JAVA_HOME=/opt/java PATH=/opt/java/bin:$PATH LANG=C.UTF-8
COPY --from=build /opt/java /opt/java
COPY --from=build /src/app/target/traffic-manager.jar /opt/traffic-manager/traffic-manager.jar
USER traffic-manager
WORKDIR /var/lib/traffic-manager
ENV TM_STREAMS_STATE_DIR=/var/lib/traffic-manager/streams
# exec form: the JVM is PID 1 and receives SIGTERM itself, so it drains before it exits.
# ExitOnOutOfMemoryError: a JVM that ran out of heap may have lost any thread (a consumer loop, the
# relay) while still answering /health/live; exiting lets the orchestrator (compose's restart:
# unless-stopped) replace it instead of leaving it half alive.
# ErrorFile: a crash report goes to /tmp, which stays writable when the root filesystem is read-only
# (docker-compose.yml: read_only, with a tmpfs on /tmp; the processor's state dir is a volume).
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-XX:+ExitOnOutOfMemoryError", "-XX:ErrorFile=/tmp/hs_err_pid%p.log", "-jar", "/opt/traffic-manager/traffic-manager.jar"]
CMD ["--help"]

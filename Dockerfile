# One image for every service; the command picks the service (api, processor, consumer <name>).
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
RUN mvn -B -ntp -q package -DskipTests

FROM eclipse-temurin:17-jre
RUN apt-get update && apt-get install -y --no-install-recommends curl \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 traffic-manager \
    && mkdir -p /var/lib/traffic-manager && chown traffic-manager /var/lib/traffic-manager
COPY --from=build /src/app/target/traffic-manager.jar /opt/traffic-manager/traffic-manager.jar
USER traffic-manager
WORKDIR /var/lib/traffic-manager
ENV TM_STREAMS_STATE_DIR=/var/lib/traffic-manager/streams
# exec form: the JVM is PID 1 and receives SIGTERM itself, so it drains before it exits.
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/opt/traffic-manager/traffic-manager.jar"]
CMD ["--help"]

# syntax=docker/dockerfile:1
# Multi-stage build of the single `wanaccel` binary.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props WanAccel.sln ./
COPY src/ src/
RUN dotnet publish src/WanAccel.Cli/WanAccel.Cli.csproj -c Release -o /app

FROM mcr.microsoft.com/dotnet/runtime:10.0 AS runtime
RUN groupadd --system wanaccel && useradd --system --gid wanaccel --home-dir /var/lib/wanaccel wanaccel \
    && mkdir -p /var/lib/wanaccel/store && chown -R wanaccel:wanaccel /var/lib/wanaccel
COPY --from=build /app /opt/wanaccel
COPY config/ /etc/wanaccel/
RUN ln -s /opt/wanaccel/wanaccel /usr/local/bin/wanaccel
USER wanaccel
WORKDIR /var/lib/wanaccel
# The chunk store (content-addressable cache) lives here and should outlive the container.
VOLUME ["/var/lib/wanaccel/store"]
ENTRYPOINT ["wanaccel"]
CMD ["--help"]

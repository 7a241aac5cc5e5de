# syntax=docker/dockerfile:1
# Multi-stage build of the single `wanaccel` binary. No Docker engine runs in CI, so .ci/publish-smoke runs this file's
# `dotnet publish` line as written and starts the result.
#
#   docker build -t wanaccel .
#   docker run -d --name wanaccel-edge --network host --cap-add NET_ADMIN --stop-timeout 60 \
#     -v "$PWD/config:/etc/wanaccel:ro" -v "$PWD/identity:/etc/wanaccel/identity:ro" -v wanaccel-store:/var/lib/wanaccel/store \
#     wanaccel serve --config /etc/wanaccel/edge.json
#
# Identity: `wanaccel pair init --dir identity` (the key must be readable by the image's wanaccel user). NET_ADMIN is for
# SO_MARK on connections to destinations (Outbound.SocketMark), host networking for transparent interception.
# --stop-timeout: stopping drains running flows for ShutdownTimeout (30 s by default); Docker's 10 s would cut them.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props WanAccel.sln ./
COPY src/ src/
RUN dotnet publish src/WanAccel.Cli/WanAccel.Cli.csproj -c Release -o /app

# aspnet, not runtime: the appliance serves /metrics and /healthz with Kestrel (the ASP.NET Core shared framework).
FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
RUN groupadd --system wanaccel && useradd --system --gid wanaccel --home-dir /var/lib/wanaccel wanaccel \
    && mkdir -p /var/lib/wanaccel/store && chown -R wanaccel:wanaccel /var/lib/wanaccel
COPY --from=build /app /opt/wanaccel
# Sample configuration; mount the real one over /etc/wanaccel (read-only).
COPY config/ /etc/wanaccel/
# The health probe talks HTTP through bash's /dev/tcp rather than curl or wget: the aspnet image has bash but neither,
# and installing curl would add an apt layer, a few MB and more code to patch to an image that otherwise needs none.
COPY --chmod=755 appliance/docker/wanaccel-healthcheck /usr/local/bin/wanaccel-healthcheck
RUN ln -s /opt/wanaccel/wanaccel /usr/local/bin/wanaccel
USER wanaccel
WORKDIR /var/lib/wanaccel
# The chunk store (content-addressable cache) lives here and should outlive the container.
VOLUME ["/var/lib/wanaccel/store"]
# 7443: peer link (PeerLink.Listen on a core); 9464: /metrics and /healthz (Metrics.Listen). Rule ports depend on the
# configuration (config/edge.json: 14445, 18730, 7400); publish those too, or run with --network host.
EXPOSE 7443 9464
# Healthy when the store is open and every configured peer link is up (a core with no edge connected is unhealthy).
# WANACCEL_METRICS_PORT must match the port of Metrics.Listen.
ENV WANACCEL_METRICS_PORT=9464
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 CMD ["wanaccel-healthcheck"]
ENTRYPOINT ["wanaccel"]
CMD ["serve", "--config", "/etc/wanaccel/edge.json"]

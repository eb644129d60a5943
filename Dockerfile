# ExposureApi: the web host, built with the SDK image and run on the ASP.NET runtime image as a non-root user.
#
#   docker build -t exposureapi .
#   docker run -p 8080:8080 -v exposure-data:/data \
#     --mount type=bind,source=/path/to/pepper,target=/run/secrets/exposure-pepper,readonly \
#     -e Exposure__Hashing__Salt=your-installation-salt-v1 exposureapi
#
# Port 8080 (HTTP; terminate TLS at a proxy and list it in Exposure__RateLimits__TrustedProxies__0).
# Store: /data/exposure.db on the /data volume. Pepper: a secret file at /run/secrets/exposure-pepper (hex, at least
# 32 bytes, e.g. openssl rand -hex 32). No pepper is baked in; without one the service refuses to start.
# The ops CLI is in the image too: docker exec <container> dotnet /app/cli/exposure.dll stats

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
RUN dotnet publish src/ExposureApi/ExposureApi.csproj -c Release -o /app -p:UseAppHost=false
RUN dotnet publish src/ExposureApi.Cli/ExposureApi.Cli.csproj -c Release -o /app/cli -p:UseAppHost=false

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
COPY --from=build /app .
ENV ASPNETCORE_ENVIRONMENT=Production \
    ASPNETCORE_HTTP_PORTS=8080 \
    Exposure__Store__Path=/data/exposure.db \
    Exposure__Hashing__PepperFile=/run/secrets/exposure-pepper
RUN mkdir -p /data && chown "$APP_UID" /data
VOLUME /data
USER $APP_UID
EXPOSE 8080
# The runtime image has no curl: the app itself probes its readiness endpoint and exits 0 or 1.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["dotnet", "/app/ExposureApi.dll", "--probe", "http://127.0.0.1:8080/health/ready"]
ENTRYPOINT ["dotnet", "/app/ExposureApi.dll"]

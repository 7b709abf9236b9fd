# The OneOff dashboard image (local mode by default; set OneOff__Mode=Aws and the OneOff__Aws__* keys for EMR/Athena).
# Build from the repository root:  docker build -t oneoff .
# Run:  docker run -p 8080:8080 -v oneoff-data:/data -e OneOff__Admin__Password=... oneoff
# Behind a TLS-terminating proxy (another container or host), also pass its address and the site's name:
#   -e OneOff__Proxy__KnownNetworks__0=172.17.0.0/16 -e AllowedHosts=oneoff.example.com
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
# Restore first, from the project files only, so that source edits keep the restore layer cached.
COPY global.json Directory.Build.props Directory.Packages.props BannedSymbols.txt .editorconfig OneOff.sln ./
COPY src/Core/OneOff.Core.csproj src/Core/
COPY src/DuckDb/OneOff.DuckDb.csproj src/DuckDb/
COPY src/Aws/OneOff.Aws.csproj src/Aws/
COPY src/Jobs/OneOff.Jobs.csproj src/Jobs/BannedSymbols.Jobs.txt src/Jobs/
COPY src/Dashboard/OneOff.Dashboard.csproj src/Dashboard/
# One runtime (linux-x64; --build-arg RID=linux-arm64 on Graviton), framework-dependent: the aspnet image has the
# runtime, and a publish without -r carries DuckDB's and SQLite's natives for every OS (568 MB, 349 MB of it runtimes/).
ARG RID=linux-x64
RUN dotnet restore src/Dashboard/OneOff.Dashboard.csproj -r $RID
COPY appsettings.json ./
COPY src/ src/
# The publish carries the built oneoff-job in /app/job/ (OneOff.Dashboard.csproj, IncludeJobOutput) and the EMR job
# bundle in /app/bundle/ (its own self-contained linux-x64 and linux-arm64 publishes). Measured:
# `dotnet publish src/Dashboard -c Release -r linux-x64 --self-contained false` is 289 MB (du -sh; 181 MB of it bundle/,
# 71 MB libduckdb.so), down from 568 MB; it starts from any folder (/healthz Healthy in local mode).
RUN dotnet publish src/Dashboard/OneOff.Dashboard.csproj -c Release -r $RID --self-contained false --no-restore -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS final
WORKDIR /app
COPY --from=build /app ./
# Run records, users, data-protection keys and local runs live in one volume.
ENV OneOff__DataRoot=/data \
    ASPNETCORE_URLS=http://+:8080 \
    DOTNET_NOLOGO=1
RUN mkdir -p /data && chown "$APP_UID" /data
VOLUME /data
USER $APP_UID
EXPOSE 8080
# The aspnet image has no curl: the app's own verb asks /healthz (exit 0 when Healthy; tested in PublishedAppTests).
HEALTHCHECK --interval=30s --timeout=15s --start-period=30s --retries=3 CMD ["dotnet", "OneOff.Dashboard.dll", "health"]
ENTRYPOINT ["dotnet", "OneOff.Dashboard.dll"]

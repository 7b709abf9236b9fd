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
RUN dotnet restore src/Dashboard/OneOff.Dashboard.csproj
COPY appsettings.json ./
COPY src/ src/
# The publish carries the built oneoff-job in /app/job/ (OneOff.Dashboard.csproj, IncludeJobOutput).
RUN dotnet publish src/Dashboard/OneOff.Dashboard.csproj -c Release --no-restore -o /app

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

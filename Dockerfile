# Multi-stage image for the web app (used by docker-compose.yml).
#
#   docker build -t personalized-learning .

# ---- build -------------------------------------------------------------------
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /source
# Copy the whole source tree: the web project may reference other projects
# under src/. Tests and benchmarks are not needed for the image.
COPY PersonalizedLearning.sln ./
COPY src/ ./src/
RUN dotnet publish src/PersonalizedLearning.Web/PersonalizedLearning.Web.csproj \
      -c Release -o /app --nologo

# ---- runtime -----------------------------------------------------------------
FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
COPY --from=build /app ./
# The aspnet image listens on port 8080 (ASPNETCORE_HTTP_PORTS=8080) and runs
# as the non-root `app` user.
EXPOSE 8080
USER $APP_UID
ENTRYPOINT ["dotnet", "PersonalizedLearning.Web.dll"]

using Fleet.Gateway.Api;
using Fleet.Gateway.Api.Auth;
using Fleet.Gateway.Api.Cluster;
using Fleet.Gateway.Api.Metrics;
using Fleet.Gateway.Broker;
using Fleet.Gateway.Api.Models;
using Fleet.Gateway.Api.Devices;
using Fleet.Gateway.Api.Events;
using Fleet.Gateway.Dashboard;
using Fleet.Gateway.Api.Insights;
using Fleet.Gateway.Api.Rejections;
using Fleet.Gateway.Api.Rollouts;
using Akka.Hosting;
using Serilog;
using Fleet.Gateway.Events;
using Fleet.Gateway.Twins;
using Fleet.Gateway.Metrics;
using Fleet.Gateway.Registry;
using Fleet.Gateway.Store;
using Fleet.Gateway.Hosting;

namespace Fleet.Gateway;

/// <summary>Builds the gateway application from command-line style settings; used by Program and by tests.</summary>
internal static class GatewayApp
{
    /// <summary>Creates the app, or returns the configuration problems that prevent it.</summary>
    /// <param name="args">Command-line style settings (<c>--Fleet:Key value</c>).</param>
    /// <param name="configureServices">Runs after the gateway's own registrations (tests replace the clock or decorate the store).</param>
    public static (WebApplication? App, IReadOnlyList<string> Problems) Create(string[] args, Action<IServiceCollection>? configureServices = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.Configuration.AddEnvironmentVariables("FLEET_GATEWAY_");
        builder.Logging.ClearProviders();
        builder.Logging.AddSerilog(new LoggerConfiguration()
            .MinimumLevel.Information()
            .MinimumLevel.Override("Microsoft", Serilog.Events.LogEventLevel.Warning)
            .WriteTo.Console(outputTemplate: "{Timestamp:HH:mm:ss} {Level:u3} {SourceContext}: {Message:lj}{NewLine}{Exception}")
            .CreateLogger(), dispose: true);

        var options = builder.Configuration.GetSection("Fleet").Get<GatewayOptions>() ?? new GatewayOptions();
        var problems = options.Validate();
        if (problems.Count > 0)
        {
            return (null, problems);
        }

        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddFleetAuth(options.Secrets);
        builder.Services.AddProblemDetails(problem => problem.CustomizeProblemDetails = ApiProblems.WithDetail);
        builder.Services.AddExceptionHandler<ApiExceptionHandler>();
        builder.Services.Configure<RouteHandlerOptions>(routes => routes.ThrowOnBadRequest = true);
        builder.Services.AddSingleton<MetricsRegistry>();
        builder.Services.AddSingleton<EmbeddedBroker>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<EmbeddedBroker>());
        builder.Services.AddSingleton<FleetStoreService>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<FleetStoreService>());
        builder.Services.AddHostedService<LegacyModelImport>();
        builder.Services.AddSingleton<GatewayUrls>();
        builder.Services.AddSingleton<FleetRuntime>();
        // After the broker and the store: Akka.Hosting starts the actor system, then FleetRuntime opens ingress.
        builder.Services.AddAkka(Gateway.Cluster.ClusterOptions.SystemName, (akka, sp) => sp.GetRequiredService<FleetRuntime>().Configure(akka));
        builder.Services.AddHostedService(sp => sp.GetRequiredService<FleetRuntime>());
        builder.Services.AddSingleton(sp => new ModelRegistry(options, sp.GetRequiredService<FleetStoreService>()));
        builder.Services.AddSingleton<Provisioning.DeviceProvisioner>();
        builder.Services.AddSingleton<FleetEventFeed>();
        builder.Services.AddSingleton<Gateway.Cluster.MemberUpTimes>();
        builder.Services.AddSingleton<DashboardAssets>();
        builder.Services.ConfigureHttpJsonOptions(json =>
        {
            json.SerializerOptions.PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.CamelCase;
            json.SerializerOptions.Converters.Add(new FiniteDoubleConverter());
        });
        configureServices?.Invoke(builder.Services);

        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapHealth();
        app.MapIdentity();
        app.MapMetrics();
        app.MapDevices();
        app.MapDeviceHistory();
        app.MapFleet();
        app.MapRejections();
        app.MapModels();
        app.MapEvents();
        app.MapDashboard();
        app.MapInsights();
        app.MapDistillation();
        app.MapRollouts();
        app.MapCluster();
        return (app, []);
    }
}

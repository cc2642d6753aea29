using Fleet.Gateway;
using Fleet.Gateway.Api;
using Fleet.Gateway.Broker;
using Serilog;

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
    await Console.Error.WriteLineAsync("fleet-gateway: invalid configuration:\n  " + string.Join("\n  ", problems));
    return 2;
}

builder.Services.AddSingleton(options);
builder.Services.AddSingleton<EmbeddedBroker>();
builder.Services.AddHostedService(sp => sp.GetRequiredService<EmbeddedBroker>());

var app = builder.Build();
app.MapHealth();

try
{
    await app.RunAsync();
    return 0;
}
catch (Fleet.Shared.Servers.MosquittoUnavailableException ex)
{
    await Console.Error.WriteLineAsync("fleet-gateway: " + ex.Message);
    return 3;
}

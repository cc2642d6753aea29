using Fleet.Gateway.Hosting;
using Fleet.Gateway.Store;
using Fleet.Gateway;

var (app, problems) = GatewayApp.Create(args);
if (app is null)
{
    await Console.Error.WriteLineAsync("fleet-gateway: invalid configuration:\n  " + string.Join("\n  ", problems));
    return 2;
}

try
{
    await app.RunAsync();
    return 0;
}
catch (GatewayStartupException ex)
{
    await Console.Error.WriteLineAsync("fleet-gateway: " + ex.Message);
    return 3;
}
catch (Fleet.Shared.Servers.MosquittoUnavailableException ex)
{
    await Console.Error.WriteLineAsync("fleet-gateway: " + ex.Message);
    return 3;
}

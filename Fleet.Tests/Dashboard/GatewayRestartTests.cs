using System.Net;
using System.Net.Sockets;
using Fleet.Gateway.Broker;
using Fleet.Tests.Gateway.Infrastructure;
using Fleet.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using OpenQA.Selenium;

namespace Fleet.Tests.Dashboard;

public sealed class GatewayRestartTests
{
    [Fact]
    public async Task Page_ReconnectsAfterTheGatewayRestarts_AndReadsTheNewSnapshot()
    {
        var url = $"http://127.0.0.1:{FreePort()}";
        var secondData = Path.Combine(Path.GetTempPath(), "fleet-gw-" + Guid.NewGuid().ToString("N")[..8]);
        using var browser = Browser.Start();
        var first = await GatewayHost.StartAsync("--urls", url);
        try
        {
            browser.Driver.Navigate().GoToUrl(first.BaseAddress);
            browser.WaitForElement("#token", "the login dialog").SendKeys(first.OperatorToken);
            browser.Driver.FindElement(By.Id("login-submit")).Click();
            browser.WaitFor("return document.getElementById('live').dataset.state === 'live'", "the live event stream");
            await using (var device = await TestDevice.ConnectAsync(first.Services.GetRequiredService<EmbeddedBroker>().Port, "before-restart"))
            {
                await device.StatusAsync();
                await device.ReportAsync(health: "healthy");
                browser.WaitFor("return document.querySelector('#counts .total')?.textContent === '1 devices'", "the first gateway's device");
            }

            // The second gateway keeps the API tokens (the browser's token stays valid) but starts on an empty store.
            Directory.CreateDirectory(secondData);
            File.Copy(Path.Combine(first.DataDirectory, "tokens.json"), Path.Combine(secondData, "tokens.json"));
            File.Copy(Path.Combine(first.DataDirectory, "credentials"), Path.Combine(secondData, "credentials"));
        }
        finally
        {
            await first.DisposeAsync();
        }

        browser.WaitFor("return document.getElementById('live').dataset.state === 'down'", "the page to notice the gateway stopped");
        await using var second = await GatewayHost.StartInAsync(secondData, "--urls", url);
        browser.WaitFor("return document.getElementById('live').dataset.state === 'live'", "the page to reconnect", TimeSpan.FromSeconds(60));
        browser.WaitFor("return document.querySelector('#counts .total')?.textContent === '0 devices'", "the snapshot of the restarted gateway");

        await using var after = await TestDevice.ConnectAsync(second.Services.GetRequiredService<EmbeddedBroker>().Port, "after-restart");
        await after.StatusAsync();
        await after.ReportAsync(health: "degraded");
        browser.WaitFor("return document.querySelector('#device-rows [data-device=\"after-restart\"]')?.dataset.state === 'degraded'", "a live change after the restart");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

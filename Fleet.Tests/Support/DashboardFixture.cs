using Fleet.Tests.Gateway.Infrastructure;
using OpenQA.Selenium;

namespace Fleet.Tests.Dashboard;

/// <summary>A real gateway and one headless chromium signed in to its dashboard with the operator token.</summary>
public sealed class DashboardFixture : IAsyncLifetime
{
    public GatewayFixture Gateway { get; } = new();

    internal Browser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Gateway.InitializeAsync();
        try
        {
            Browser = Browser.Start();
        }
        catch
        {
            await Gateway.DisposeAsync();
            throw;
        }

        var driver = Browser.Driver;
        driver.Navigate().GoToUrl(Gateway.Host.BaseAddress);
        var token = Browser.WaitForElement("#token", "the login dialog");
        token.SendKeys(Gateway.Host.OperatorToken);
        driver.FindElement(By.Id("login-submit")).Click();
        Browser.WaitFor("return document.getElementById('live').dataset.state === 'live'", "the live event stream");
    }

    public async Task DisposeAsync()
    {
        Browser?.Dispose();
        await Gateway.DisposeAsync();
    }
}

using System.Collections.ObjectModel;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;

namespace Fleet.Tests.Dashboard;

/// <summary>
/// Headless Debian chromium driven by its chromedriver (no Selenium Manager, no download). Throws, never skips,
/// when the browser cannot start: the dashboard tests must run where the suite runs.
/// </summary>
internal sealed class Browser : IDisposable
{
    private const string ChromiumPath = "/usr/bin/chromium";
    private const string DriverPath = "/usr/bin/chromedriver";
    private static readonly TimeSpan DefaultWait = TimeSpan.FromSeconds(30);

    private readonly ChromeDriverService _service;
    private readonly string _profile;

    private Browser(ChromeDriver driver, ChromeDriverService service, string profile)
    {
        Driver = driver;
        _service = service;
        _profile = profile;
    }

    public ChromeDriver Driver { get; }

    public static Browser Start()
    {
        foreach (var path in new[] { ChromiumPath, DriverPath })
        {
            if (!File.Exists(path))
            {
                throw new InvalidOperationException($"{path} is missing: install chromium and chromium-driver (./fleet installs them)");
            }
        }

        var profile = Path.Combine(Path.GetTempPath(), "fleet-chromium-" + Guid.NewGuid().ToString("N")[..8]);
        var service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(DriverPath)!, Path.GetFileName(DriverPath));
        service.HideCommandPromptWindow = true;
        service.SuppressInitialDiagnosticInformation = true;
        var options = new ChromeOptions { BinaryLocation = ChromiumPath };
        options.AddArguments(
            "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage", "--window-size=1280,900", "--user-data-dir=" + profile);
        options.SetLoggingPreference(LogType.Browser, LogLevel.All);
        try
        {
            var driver = new ChromeDriver(service, options, TimeSpan.FromSeconds(60));
            driver.Manage().Timeouts().AsynchronousJavaScript = DefaultWait;
            return new Browser(driver, service, profile);
        }
        catch (Exception ex) when (ex is WebDriverException or InvalidOperationException)
        {
            service.Dispose();
            throw new InvalidOperationException($"chromium ({ChromiumPath}) could not be started through {DriverPath}: {ex.Message}", ex);
        }
    }

    /// <summary>Polls a DOM condition (a script returning true) until it holds.</summary>
    public void WaitFor(string script, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultWait);
        while (true)
        {
            if (Driver.ExecuteScript(script) is true)
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"timed out waiting for {what}; page: {Driver.FindElement(By.TagName("body")).Text}");
            }

            Thread.Sleep(100);
        }
    }

    public IWebElement WaitForElement(string css, string what, TimeSpan? timeout = null)
    {
        WaitFor($"return document.querySelector({Quote(css)}) !== null", what, timeout);
        return Driver.FindElement(By.CssSelector(css));
    }

    /// <summary>Console messages since the last call (warnings and errors the page or the network logged).</summary>
    public ReadOnlyCollection<LogEntry> ConsoleLog() => Driver.Manage().Logs.GetLog(LogType.Browser);

    public string Screenshot(string name)
    {
        var directory = Path.Combine(AppContext.BaseDirectory, "TestResults", "screenshots");
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, name + ".png");
        Driver.GetScreenshot().SaveAsFile(path);
        return path;
    }

    public static string Quote(string text) => System.Text.Json.JsonSerializer.Serialize(text);

    public void Dispose()
    {
        try
        {
            Driver.Quit();
        }
        finally
        {
            Driver.Dispose();
            _service.Dispose();
            try
            {
                Directory.Delete(_profile, recursive: true);
            }
            catch (IOException)
            {
                // Chromium may still be flushing its profile; it is a temp dir.
            }
        }
    }
}

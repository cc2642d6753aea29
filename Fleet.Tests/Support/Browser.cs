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

    /// <summary>
    /// Waits for a DOM condition (a script body returning true) to hold: checks it once, then again on every DOM
    /// mutation and hash change in the page (a MutationObserver inside the browser), so the wait ends on the change
    /// itself rather than on a poll interval. Each condition the tests use reads the DOM or changes with it.
    /// </summary>
    public void WaitFor(string script, string what, TimeSpan? timeout = null)
    {
        var limit = timeout ?? DefaultWait;
        var observer = """
            const done = arguments[arguments.length - 1];
            const holds = () => { try { return (function () { SCRIPT })() === true; } catch { return false; } };
            if (holds()) { done(true); return; }
            const check = () => { if (holds()) { observer.disconnect(); window.removeEventListener('hashchange', check); done(true); } };
            const observer = new MutationObserver(check);
            observer.observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
            window.addEventListener('hashchange', check);
            """.Replace("SCRIPT", script, StringComparison.Ordinal);
        var timeouts = Driver.Manage().Timeouts();
        timeouts.AsynchronousJavaScript = limit;
        try
        {
            Driver.ExecuteAsyncScript(observer);
        }
        catch (WebDriverTimeoutException)
        {
            throw new TimeoutException($"timed out waiting for {what}; page: {Driver.FindElement(By.TagName("body")).Text}");
        }
        finally
        {
            timeouts.AsynchronousJavaScript = DefaultWait;
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

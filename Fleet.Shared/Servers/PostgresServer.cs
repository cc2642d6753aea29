using System.Diagnostics;
using System.Globalization;

namespace Fleet.Shared.Servers;

/// <summary>
/// A PostgreSQL server from Debian's packages run on a loopback port over a data directory of its own
/// (<c>initdb</c> on first use, <c>pg_ctl</c> to start and stop). Trust authentication on 127.0.0.1 only:
/// it serves the integration tests and <c>./fleet demo --nodes N</c>, never a production fleet.
/// </summary>
/// <remarks>
/// PostgreSQL refuses to run as root; started by root, the data directory is handed to the <c>postgres</c>
/// user and the server runs as that user. <see cref="StartAsync"/> returns once the server accepts
/// connections (<c>pg_ctl -w</c>) and throws <see cref="InvalidOperationException"/> with the server's own
/// words when it cannot start.
/// </remarks>
public sealed class PostgresServer : IAsyncDisposable
{
    private readonly bool _ownsDirectory;
    private bool _running;

    private PostgresServer(string dataDirectory, int port, bool ownsDirectory)
    {
        DataDirectory = dataDirectory;
        Port = port;
        _ownsDirectory = ownsDirectory;
    }

    /// <summary>The cluster's data directory (created by <c>initdb</c> when it was empty).</summary>
    public string DataDirectory { get; }

    /// <summary>The loopback port the server listens on.</summary>
    public int Port { get; }

    /// <summary>Npgsql connection string to the <c>postgres</c> database as superuser <c>postgres</c>.</summary>
    public string ConnectionString =>
        string.Create(CultureInfo.InvariantCulture, $"Host=127.0.0.1;Port={Port};Username=postgres;Database=postgres;Pooling=true;Timeout=10");

    /// <summary>The server's log file.</summary>
    public string LogFile => Path.Combine(DataDirectory, "server.log");

    /// <summary>Where the server binaries are: <c>FLEET_PG_BIN</c>, else the newest /usr/lib/postgresql/*/bin.</summary>
    public static string BinDirectory
    {
        get
        {
            var configured = Environment.GetEnvironmentVariable("FLEET_PG_BIN");
            if (!string.IsNullOrEmpty(configured))
            {
                return configured;
            }

            const string root = "/usr/lib/postgresql";
            var versions = Directory.Exists(root) ? Directory.GetDirectories(root).OrderDescending().ToList() : [];
            return versions.Select(v => Path.Combine(v, "bin")).FirstOrDefault(b => File.Exists(Path.Combine(b, "initdb")))
                ?? throw new InvalidOperationException(
                    "PostgreSQL server binaries not found under /usr/lib/postgresql; install them with: apt-get install -y postgresql (or set FLEET_PG_BIN)");
        }
    }

    /// <summary>
    /// Starts a server over <paramref name="dataDirectory"/> (initialised when it holds no cluster yet), on
    /// <paramref name="port"/> or, when 0, on a free loopback port. A throw-away directory is deleted on dispose.
    /// </summary>
    public static async Task<PostgresServer> StartAsync(string dataDirectory, int port = 0, bool deleteOnDispose = false, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dataDirectory);
        var bin = BinDirectory;
        var directory = Path.GetFullPath(dataDirectory);
        Directory.CreateDirectory(directory);
        var asRoot = Environment.UserName == "root";
        if (asRoot)
        {
            await RunAsync("chown", ["postgres:postgres", directory], cancellationToken).ConfigureAwait(false);
        }

        if (!File.Exists(Path.Combine(directory, "PG_VERSION")))
        {
            await RunAsPostgresAsync(asRoot, Path.Combine(bin, "initdb"),
                ["-D", directory, "-U", "postgres", "--auth=trust", "--no-sync", "-E", "UTF8"], cancellationToken).ConfigureAwait(false);
        }

        for (var attempt = 0; ; attempt++)
        {
            var chosen = port != 0 ? port : MosquittoBroker.FreeLoopbackPort();
            var server = new PostgresServer(directory, chosen, deleteOnDispose);
            try
            {
                await RunAsPostgresAsync(asRoot, Path.Combine(bin, "pg_ctl"),
                    ["-D", directory, "-l", server.LogFile, "-w", "-t", "30", "-o",
                     string.Create(CultureInfo.InvariantCulture, $"-p {chosen} -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200"), "start"],
                    cancellationToken).ConfigureAwait(false);
                server._running = true;
                return server;
            }
            catch (InvalidOperationException) when (port == 0 && attempt < 3)
            {
                // The port was taken between choosing and binding it; choose again.
            }
            catch (InvalidOperationException ex)
            {
                throw new InvalidOperationException($"PostgreSQL did not start on 127.0.0.1:{chosen} over {directory}: {ex.Message}{Tail(server.LogFile)}", ex);
            }
        }
    }

    /// <summary>
    /// Stops a server still running over <paramref name="dataDirectory"/> because its owner died without stopping it
    /// (kill -9 of a demo); nothing when none runs there.
    /// </summary>
    public static async Task StopLeftoverAsync(string dataDirectory, CancellationToken cancellationToken = default)
    {
        var directory = Path.GetFullPath(dataDirectory);
        if (!File.Exists(Path.Combine(directory, "postmaster.pid")))
        {
            return;
        }

        try
        {
            await RunAsPostgresAsync(Environment.UserName == "root", Path.Combine(BinDirectory, "pg_ctl"), ["-D", directory, "-m", "immediate", "-w", "stop"], cancellationToken)
                .ConfigureAwait(false);
        }
        catch (InvalidOperationException)
        {
            // No server behind the pid file (pg_ctl start clears a stale one).
        }
    }

    /// <summary>Stops the server at once (<c>-m immediate</c>: tests and demos need no checkpoint); the data stays unless throw-away.</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (!_running)
        {
            return;
        }

        _running = false;
        try
        {
            await RunAsPostgresAsync(Environment.UserName == "root", Path.Combine(BinDirectory, "pg_ctl"), ["-D", DataDirectory, "-m", "immediate", "-w", "stop"], cancellationToken)
                .ConfigureAwait(false);
        }
        catch (InvalidOperationException)
        {
            // Already stopped (killed with its owner, or by hand).
        }
    }

    /// <summary>Stops the server and deletes a throw-away data directory.</summary>
    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        if (_ownsDirectory && Directory.Exists(DataDirectory))
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
    }

    private static string Tail(string logFile)
    {
        try
        {
            return File.Exists(logFile) ? Environment.NewLine + string.Join(Environment.NewLine, File.ReadLines(logFile).TakeLast(5)) : "";
        }
        catch (IOException)
        {
            return "";
        }
        catch (UnauthorizedAccessException)
        {
            return "";
        }
    }

    private static Task RunAsPostgresAsync(bool asRoot, string program, string[] arguments, CancellationToken cancellationToken) =>
        asRoot
            ? RunAsync("su", ["postgres", "-s", "/bin/sh", "-c", string.Join(' ', new[] { program }.Concat(arguments).Select(Quote))], cancellationToken)
            : RunAsync(program, arguments, cancellationToken);

    private static string Quote(string s) => "'" + s.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    private static async Task RunAsync(string program, string[] arguments, CancellationToken cancellationToken)
    {
        var psi = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            psi.ArgumentList.Add(argument);
        }

        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {program}");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"{Path.GetFileName(program)} exited {process.ExitCode}: {(await stderr.ConfigureAwait(false)).Trim()} {(await stdout.ConfigureAwait(false)).Trim()}");
        }
    }
}

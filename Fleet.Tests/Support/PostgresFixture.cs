using System.Diagnostics;

namespace Fleet.Tests.Infrastructure;

/// <summary>The collection every test that needs PostgreSQL belongs to, so one server serves them all.</summary>
[CollectionDefinition(PostgresCollection.Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresFixture>
{
    public const string Name = "PostgreSQL";
}

/// <summary>
/// A real PostgreSQL 15 server: initdb into a temp directory and pg_ctl on a free loopback port.
/// One server per test run: tests opt in with <c>[Collection(PostgresCollection.Name)]</c> and take the fixture in their
/// constructor; each test works in its own schema. Fails loudly when it cannot start.
/// </summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    private string _directory = "";

    public int Port { get; private set; }

    /// <summary>Npgsql connection string to the <c>postgres</c> database as superuser <c>postgres</c>.</summary>
    public string ConnectionString => $"Host=127.0.0.1;Port={Port};Username=postgres;Database=postgres;Pooling=true;Timeout=10";

    public static string BinDirectory
    {
        get
        {
            var configured = Environment.GetEnvironmentVariable("FLEET_PG_BIN");
            if (!string.IsNullOrEmpty(configured))
            {
                return configured;
            }

            var root = "/usr/lib/postgresql";
            var versions = Directory.Exists(root) ? Directory.GetDirectories(root).OrderDescending().ToList() : [];
            return versions.Select(v => Path.Combine(v, "bin")).FirstOrDefault(b => File.Exists(Path.Combine(b, "initdb")))
                ?? throw new InvalidOperationException("PostgreSQL server binaries not found under /usr/lib/postgresql; install with: apt-get install -y postgresql (or set FLEET_PG_BIN)");
        }
    }

    public async Task InitializeAsync()
    {
        var bin = BinDirectory;
        _directory = Path.Combine(Path.GetTempPath(), "fleet-pg-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(_directory);
        var asRoot = Environment.UserName == "root";
        if (asRoot)
        {
            // PostgreSQL refuses to run as root; the data directory must belong to the postgres user.
            await RunAsync("chown", ["postgres:postgres", _directory]);
        }

        await RunAsPostgresAsync(asRoot, Path.Combine(bin, "initdb"), ["-D", _directory, "-U", "postgres", "--auth=trust", "--no-sync", "-E", "UTF8"]);
        for (var attempt = 0; ; attempt++)
        {
            Port = Fleet.Shared.Servers.MosquittoBroker.FreeLoopbackPort();
            try
            {
                await RunAsPostgresAsync(asRoot, Path.Combine(bin, "pg_ctl"),
                    ["-D", _directory, "-l", Path.Combine(_directory, "log"), "-w", "-t", "30", "-o",
                     $"-p {Port} -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200", "start"]);
                return;
            }
            catch (InvalidOperationException) when (attempt < 3)
            {
                // The port was taken between choosing and binding it; choose again.
            }
        }
    }

    public async Task DisposeAsync()
    {
        if (_directory.Length == 0)
        {
            return;
        }

        try
        {
            await RunAsPostgresAsync(Environment.UserName == "root", Path.Combine(BinDirectory, "pg_ctl"), ["-D", _directory, "-m", "immediate", "-w", "stop"]);
        }
        catch (InvalidOperationException)
        {
            // Already stopped.
        }

        Directory.Delete(_directory, recursive: true);
    }

    private static Task RunAsPostgresAsync(bool asRoot, string program, string[] arguments) =>
        asRoot
            ? RunAsync("su", ["postgres", "-s", "/bin/sh", "-c", string.Join(' ', new[] { program }.Concat(arguments).Select(Quote))])
            : RunAsync(program, arguments);

    private static string Quote(string s) => "'" + s.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    private static async Task RunAsync(string program, string[] arguments)
    {
        var psi = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            psi.ArgumentList.Add(argument);
        }

        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {program}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} exited {process.ExitCode}: {await stderr}{await stdout}");
        }
    }
}

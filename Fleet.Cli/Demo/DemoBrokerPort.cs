using System.Globalization;
using Fleet.Shared.Servers;

namespace Fleet.Cli.Demo;

/// <summary>
/// The demo broker's port, stable across runs so a foreign device configured once keeps working: the port asked for, else
/// the one the last run wrote to <c>{data}/broker</c> (<c>HOST:PORT</c>, one line), else <see cref="Default"/>, else (taken)
/// a free port, which the file then remembers.
/// </summary>
internal static class DemoBrokerPort
{
    public const int Default = 11883;

    public const string FileName = "broker-address";

    public static string PathIn(string dataDirectory) => Path.Combine(dataDirectory, FileName);

    /// <summary>The port to start the broker on and, when it is not the preferred one, why.</summary>
    public static (int Port, string? Note) Choose(string dataDirectory, int requested)
    {
        if (requested != 0)
        {
            return MosquittoBroker.IsPortFree("127.0.0.1", requested)
                ? (requested, null)
                : throw new InvalidOperationException($"--broker-port {requested} is in use; free it or pick another");
        }

        var preferred = Remembered(dataDirectory) ?? Default;
        if (MosquittoBroker.IsPortFree("127.0.0.1", preferred))
        {
            return (preferred, null);
        }

        var port = MosquittoBroker.FreeLoopbackPort();
        return (port, $"port {preferred} is in use by another program, so the broker listens on {port} (remembered in {PathIn(dataDirectory)})");
    }

    public static async Task WriteAsync(string dataDirectory, string host, int port, CancellationToken cancellationToken) =>
        await File.WriteAllTextAsync(PathIn(dataDirectory), string.Create(CultureInfo.InvariantCulture, $"{host}:{port}\n"), cancellationToken).ConfigureAwait(false);

    private static int? Remembered(string dataDirectory)
    {
        var path = PathIn(dataDirectory);
        if (!File.Exists(path))
        {
            return null;
        }

        var text = File.ReadAllText(path).Trim();
        var colon = text.LastIndexOf(':');
        return colon > 0 && int.TryParse(text[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and < 65536 ? port : null;
    }
}

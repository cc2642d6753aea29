using System.Globalization;

namespace Fleet.Cli.Demo;

/// <summary>One gateway process of <c>fleet demo --nodes N</c>: its number (1…N), dashboard/API URL, remoting port and log.</summary>
internal sealed class DemoNode(int number, string url, int remotingPort, string logFile, ChildProcess process) : IAsyncDisposable
{
    public int Number { get; } = number;

    public string Url { get; } = url;

    public int RemotingPort { get; } = remotingPort;

    public string LogFile { get; } = logFile;

    public ChildProcess Process { get; } = process;

    public int Pid => Process.Id;

    public bool Alive => !Process.HasExited;

    public string Name => "node " + Number.ToString(CultureInfo.InvariantCulture);

    /// <summary>The node's Akka address, as seed lists name it.</summary>
    public static string Address(int remotingPort) => string.Create(CultureInfo.InvariantCulture, $"akka.tcp://fleet-gateway@127.0.0.1:{remotingPort}");

    public ValueTask DisposeAsync() => Process.DisposeAsync();
}

using System.Globalization;
using System.Text.Json;
using Fleet.Bench;
using Fleet.Bench.Suites;

IBenchSuite[] suites =
[
    new Fleet.Bench.Store.StoreBench(),
    new OnnxSuite(),
    new HealthSuite(),
    new Fleet.Bench.Suites.ActorsSuite(),
    new Fleet.Bench.Suites.MqttSuite(),
    new GatewaySuite(),
    new HealingSuite(),
    new Fleet.Bench.Suites.DistillSuite(),
    new Fleet.Bench.Rollouts.RolloutSuite(),
    new McuSuite(),
    new Fleet.Bench.Suites.ClusterSuite(),
];

if (args.Length == 0 || args[0] is "list" or "--help" or "-h")
{
    Console.WriteLine("usage: fleet-bench SUITE [--quick] [--out DIR]\nsuites:");
    foreach (var s in suites)
    {
        Console.WriteLine($"  {s.Name,-10} {s.Description}");
    }

    return args.Length == 0 ? 2 : 0;
}

var name = args[0];
var suite = suites.FirstOrDefault(s => s.Name == name);
if (suite is null)
{
    await Console.Error.WriteLineAsync($"fleet-bench: unknown suite '{name}'. Known: {string.Join(", ", suites.Select(s => s.Name))}");
    return 2;
}

var outDirectory = "bench/results";
var scale = 1.0;
for (var i = 1; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--out" when i + 1 < args.Length:
            outDirectory = args[++i];
            break;
        case "--quick":
            scale = 0.1;
            break;
        default:
            await Console.Error.WriteLineAsync($"fleet-bench: unknown option '{args[i]}'");
            return 2;
    }
}

var scratch = Path.Combine(Path.GetTempPath(), "fleet-bench-" + Guid.NewGuid().ToString("N")[..8]);
Directory.CreateDirectory(scratch);
using var cts = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cts.Cancel();
};

try
{
    Console.Error.WriteLine($"fleet-bench: {suite.Name} — {suite.Description}");
    var result = await suite.RunAsync(new BenchContext(Console.Error, scale, scratch), cts.Token);
    Directory.CreateDirectory(outDirectory);
    var path = Path.Combine(outDirectory, suite.Name + ".json");
    await using (var stream = File.Create(path))
    await using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
    {
        writer.WriteStartObject();
        foreach (var (key, value) in result.Metrics)
        {
            switch (value)
            {
                case double d: writer.WriteNumber(key, d); break;
                case long l: writer.WriteNumber(key, l); break;
                default: writer.WriteString(key, Convert.ToString(value, CultureInfo.InvariantCulture)); break;
            }
        }

        writer.WriteString("measured_at", DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture));
        writer.WriteString("machine", $"{Environment.ProcessorCount} cores, {Environment.OSVersion}");
        writer.WriteEndObject();
    }

    Console.Error.WriteLine($"fleet-bench: wrote {path}");
    Console.WriteLine(await File.ReadAllTextAsync(path));
    return 0;
}
finally
{
    Directory.Delete(scratch, recursive: true);
}

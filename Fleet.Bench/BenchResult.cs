namespace Fleet.Bench;

/// <summary>Metrics of one suite run, written to bench/results/SUITE.json in insertion order.</summary>
internal sealed class BenchResult
{
    private readonly List<KeyValuePair<string, object>> _metrics = [];

    public IReadOnlyList<KeyValuePair<string, object>> Metrics => _metrics;

    public BenchResult Add(string key, double value)
    {
        _metrics.Add(new(key, Math.Round(value, 6)));
        return this;
    }

    public BenchResult Add(string key, long value)
    {
        _metrics.Add(new(key, value));
        return this;
    }

    public BenchResult Add(string key, string value)
    {
        _metrics.Add(new(key, value));
        return this;
    }
}

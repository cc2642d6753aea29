namespace Fleet.Cli.Demo;

/// <summary>The API tokens the gateway minted on first start (<c>{data}/credentials</c>, <c>name=secret</c> lines).</summary>
internal sealed record DemoCredentials(string Operator, string Reader)
{
    public static DemoCredentials Read(string path)
    {
        var values = File.ReadAllLines(path)
            .Where(l => !l.StartsWith('#') && l.Contains('=', StringComparison.Ordinal))
            .Select(l => l.Split('=', 2))
            .ToDictionary(p => p[0].Trim(), p => p[1].Trim());
        return new DemoCredentials(
            values.TryGetValue("operator", out var op) ? op : throw new InvalidDataException($"{path} has no operator token"),
            values.TryGetValue("reader", out var reader) ? reader : throw new InvalidDataException($"{path} has no reader token"));
    }
}

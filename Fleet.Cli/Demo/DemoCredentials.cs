using Fleet.Shared.Security;

namespace Fleet.Cli.Demo;

/// <summary>The operator and read-only API tokens the demo's gateway minted on first start.</summary>
internal sealed record DemoCredentials(string Operator, string Reader)
{
    public static DemoCredentials Read(string path)
    {
        var tokens = CredentialsFile.Read(path);
        return new DemoCredentials(
            tokens.TryGetValue("operator", out var op) ? op : throw new InvalidDataException($"{path} has no operator token"),
            tokens.TryGetValue("reader", out var reader) ? reader : throw new InvalidDataException($"{path} has no reader token"));
    }
}

using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Fleet.Gateway.Api.Auth;

/// <summary>
/// API tokens of this gateway, kept in <c>{data}/tokens.json</c> as hashes. On first start it mints an
/// operator token and a read-only token and writes their secrets once to <c>{data}/credentials</c>
/// (mode 0600) so the operator and <c>fleet</c> CLI can pick them up.
/// </summary>
internal sealed class TokenStore
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    private readonly List<ApiToken> _tokens;

    private TokenStore(List<ApiToken> tokens) => _tokens = tokens;

    public IReadOnlyList<ApiToken> Tokens => _tokens;

    public static TokenStore OpenOrCreate(string dataDirectory)
    {
        Directory.CreateDirectory(dataDirectory);
        var path = Path.Combine(dataDirectory, "tokens.json");
        if (File.Exists(path))
        {
            var tokens = JsonSerializer.Deserialize<List<ApiToken>>(File.ReadAllText(path), Json)
                ?? throw new InvalidDataException($"{path} holds no tokens");
            return new TokenStore(tokens);
        }

        var operatorSecret = NewSecret();
        var readerSecret = NewSecret();
        var created = new List<ApiToken>
        {
            new("operator", ApiRole.Operator, Hash(operatorSecret)),
            new("reader", ApiRole.ReadOnly, Hash(readerSecret)),
        };
        WritePrivate(Path.Combine(dataDirectory, "credentials"),
            $"# Fleet gateway API tokens (shown once; only hashes are kept in tokens.json)\noperator={operatorSecret}\nreader={readerSecret}\n");
        WritePrivate(path, JsonSerializer.Serialize(created, Json));
        return new TokenStore(created);
    }

    /// <summary>Finds the token whose secret is <paramref name="secret"/>, comparing hashes in constant time.</summary>
    public ApiToken? Find(string secret)
    {
        var hash = Convert.FromHexString(Hash(secret));
        ApiToken? match = null;
        foreach (var token in _tokens)
        {
            if (CryptographicOperations.FixedTimeEquals(hash, Convert.FromHexString(token.Sha256)))
            {
                match = token;
            }
        }

        return match;
    }

    public static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    private static string NewSecret() => "flt_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)).Replace('+', '-').Replace('/', '_');

    private static void WritePrivate(string path, string content)
    {
        var temp = path + ".tmp";
        using (var stream = new FileStream(temp, new FileStreamOptions
        {
            Mode = FileMode.Create,
            Access = FileAccess.Write,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        }))
        {
            stream.Write(Encoding.UTF8.GetBytes(content));
            stream.Flush(flushToDisk: true);
        }

        File.Move(temp, path, overwrite: true);
    }
}

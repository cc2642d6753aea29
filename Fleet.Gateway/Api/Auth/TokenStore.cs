using System.Security.Cryptography;
using System.Text.Json.Serialization;
using System.Text.Json;
using System.Text;
using Fleet.Shared.Security;

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
            return Read(path);
        }

        var operatorSecret = NewSecret();
        var readerSecret = NewSecret();
        var created = new List<ApiToken>
        {
            new("operator", ApiRole.Operator, Hash(operatorSecret)),
            new("reader", ApiRole.ReadOnly, Hash(readerSecret)),
        };
        if (!PrivateFile.TryCreate(path, JsonSerializer.Serialize(created, Json)))
        {
            // Another gateway node sharing this secrets directory created the tokens first: theirs are the fleet's.
            return Read(path);
        }

        CredentialsFile.Write(Path.Combine(dataDirectory, CredentialsFile.FileName),
            [new("operator", operatorSecret), new("reader", readerSecret)]);
        return new TokenStore(created);
    }

    private static TokenStore Read(string path) =>
        new(JsonSerializer.Deserialize<List<ApiToken>>(File.ReadAllText(path), Json) ?? throw new InvalidDataException($"{path} holds no tokens"));

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
}

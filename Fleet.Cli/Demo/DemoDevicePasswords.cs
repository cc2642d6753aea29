using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Fleet.Shared.Security;

namespace Fleet.Cli.Demo;

/// <summary>
/// The simulated devices' broker passwords, provisioned through the gateway's API like any device's
/// (<c>POST /api/v1/devices/{id}/provision</c>, what <c>fleet devices provision</c> calls) and kept in a private
/// <c>{data}/device-passwords</c> file (<c>id:password</c> lines) that <c>fleet-device --password-file</c> reads.
/// </summary>
internal static class DemoDevicePasswords
{
    public const string FileName = "device-passwords";

    /// <summary>A new random broker password (URL-safe base64 of 24 random bytes, like the gateway's).</summary>
    public static string NewPassword() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)).Replace('+', '-').Replace('/', '_');

    /// <summary>
    /// For <c>fleet demo --nodes N</c>, whose broker is not the gateways' to provision: every device's password, generating
    /// (and keeping in the file) those it does not hold yet; the demo hands them to the broker's password file.
    /// </summary>
    public static async Task<IReadOnlyDictionary<string, string>> EnsureLocalAsync(string path, IReadOnlyList<string> deviceIds, CancellationToken cancellationToken)
    {
        var known = await ReadAsync(path, cancellationToken).ConfigureAwait(false);
        var missing = deviceIds.Where(id => !known.ContainsKey(id)).ToList();
        foreach (var id in missing)
        {
            known[id] = NewPassword();
        }

        if (missing.Count > 0 || !File.Exists(path))
        {
            await PrivateFile.WriteAsync(path, string.Concat(known.Select(p => $"{p.Key}:{p.Value}\n")), cancellationToken).ConfigureAwait(false);
        }

        return deviceIds.ToDictionary(id => id, id => known[id], StringComparer.Ordinal);
    }

    private static async Task<Dictionary<string, string>> ReadAsync(string path, CancellationToken cancellationToken) =>
        File.Exists(path)
            ? (await File.ReadAllLinesAsync(path, cancellationToken).ConfigureAwait(false))
                .Select(l => l.Split(':', 2)).Where(p => p.Length == 2 && p[1].Length > 0).ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal)
            : new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Provisions every device the file does not hold (rotating any earlier credentials); returns how many.</summary>
    public static async Task<int> EnsureAsync(HttpClient http, string path, IReadOnlyList<string> deviceIds, CancellationToken cancellationToken)
    {
        var known = await ReadAsync(path, cancellationToken).ConfigureAwait(false);
        var issued = 0;
        foreach (var id in deviceIds.Where(id => !known.ContainsKey(id)))
        {
            using var response = await http.PostAsync($"/api/v1/devices/{Uri.EscapeDataString(id)}/provision?rotate=true&credentials=password", null, cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"provisioning {id} failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false)}");
            }

            var bundle = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken).ConfigureAwait(false);
            known[id] = (bundle.GetProperty("config").TryGetProperty("password", out var password) ? password.GetString() : null)
                ?? throw new InvalidOperationException($"the gateway issued {id} no password (is its broker authenticating?)");
            issued++;
            // Kept after every device, so an interrupted start loses no credentials it was given.
            await PrivateFile.WriteAsync(path, string.Concat(known.Select(p => $"{p.Key}:{p.Value}\n")), cancellationToken).ConfigureAwait(false);
        }

        return issued;
    }
}

using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Fleet.Shared.Protocol;
using Fleet.Shared.Security;

namespace Fleet.Gateway.Broker;

/// <summary>
/// The managed broker's password and ACL files under <c>{data}/broker-auth/</c>. Only Mosquitto's own
/// hashes are kept (plain passwords go through <c>mosquitto_passwd -U</c> in a temp file and are handed to
/// the device bundle once). The ACL is static: patterns confine every user to the topics with its own id.
/// </summary>
internal sealed class BrokerAuthFiles
{
    public const string GatewayUser = BrokerAcl.GatewayUser;

    private static readonly IReadOnlyList<string> Acl = BrokerAcl.Lines("the Fleet gateway");

    private readonly SemaphoreSlim _gate = new(1, 1);

    private BrokerAuthFiles(string directory, string gatewayPassword)
    {
        Directory = directory;
        GatewayPassword = gatewayPassword;
    }

    public string Directory { get; }

    public string PasswordFile => Path.Combine(Directory, "passwd");

    public string AclFile => Path.Combine(Directory, "acl");

    public string GatewayPassword { get; }

    public static async Task<BrokerAuthFiles> PrepareAsync(string dataDirectory, CancellationToken cancellationToken)
    {
        var directory = Path.Combine(Path.GetFullPath(dataDirectory), "broker-auth");
        System.IO.Directory.CreateDirectory(directory);
        var secretPath = Path.Combine(directory, "gateway.secret");
        string secret;
        if (File.Exists(secretPath))
        {
            secret = (await File.ReadAllTextAsync(secretPath, cancellationToken).ConfigureAwait(false)).Trim();
        }
        else
        {
            secret = NewPassword();
            await PrivateFile.WriteAsync(secretPath, secret, cancellationToken).ConfigureAwait(false);
        }

        var files = new BrokerAuthFiles(directory, secret);
        await PrivateFile.WriteAsync(files.AclFile, string.Join('\n', Acl) + "\n", cancellationToken).ConfigureAwait(false);
        await files.SetPasswordAsync(GatewayUser, secret, cancellationToken).ConfigureAwait(false);
        return files;
    }

    public static string NewPassword() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)).Replace('+', '-').Replace('/', '_');

    /// <summary>Adds or replaces <paramref name="user"/>'s password (hashed by mosquitto_passwd).</summary>
    public async Task SetPasswordAsync(string user, string password, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var hashed = await HashAsync(user, password, cancellationToken).ConfigureAwait(false);
            var lines = File.Exists(PasswordFile)
                ? (await File.ReadAllLinesAsync(PasswordFile, cancellationToken).ConfigureAwait(false)).Where(l => !l.StartsWith(user + ":", StringComparison.Ordinal)).ToList()
                : [];
            lines.Add(hashed);
            await PrivateFile.WriteAsync(PasswordFile, string.Join('\n', lines) + "\n", cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<string> HashAsync(string user, string password, CancellationToken cancellationToken)
    {
        var temp = Path.Combine(Directory, "passwd." + Guid.NewGuid().ToString("N") + ".tmp");
        try
        {
            await PrivateFile.WriteAsync(temp, $"{user}:{password}\n", cancellationToken).ConfigureAwait(false);
            var tool = File.Exists("/usr/bin/mosquitto_passwd") ? "/usr/bin/mosquitto_passwd" : "mosquitto_passwd";
            var start = new ProcessStartInfo(tool) { RedirectStandardError = true, RedirectStandardOutput = true };
            start.ArgumentList.Add("-U");
            start.ArgumentList.Add(temp);
            using var process = Process.Start(start) ?? throw new InvalidOperationException("mosquitto_passwd could not be started");
            var error = await process.StandardError.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException("mosquitto_passwd -U failed: " + error.Trim());
            }

            return (await File.ReadAllTextAsync(temp, cancellationToken).ConfigureAwait(false)).Trim();
        }
        finally
        {
            File.Delete(temp);
        }
    }
}

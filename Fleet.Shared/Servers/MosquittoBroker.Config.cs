using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Fleet.Shared.Servers;

/// <summary>The generated mosquitto.conf and the hashed password file.</summary>
public sealed partial class MosquittoBroker
{
    private async Task WriteConfigAsync(CancellationToken cancellationToken)
    {
        var config = new StringBuilder();
        if (Environment.UserName == "root")
        {
            // As root mosquitto drops to user "mosquitto", which cannot read our temp files.
            config.AppendLine("user root");
        }

        config.AppendLine($"listener {Port} {_options.BindAddress}");
        config.AppendLine($"allow_anonymous {(_options.AllowAnonymous ? "true" : "false")}");
        config.AppendLine($"max_queued_messages {_options.MaxQueuedMessages}");
        config.AppendLine("max_inflight_messages 0");
        // With Nagle on, each small PUBACK waits for the client's delayed ACK of the previous one: a
        // client that awaits a window of QoS 1 publications then completes one only every ~40 ms.
        config.AppendLine("set_tcp_nodelay true");
        config.AppendLine($"log_dest file {LogFile}");
        config.AppendLine("log_type error");
        config.AppendLine("log_type warning");
        config.AppendLine("log_type notice");
        config.AppendLine("log_type information");
        config.AppendLine("connection_messages true");
        if (_options.Persistence)
        {
            config.AppendLine("persistence true");
            config.AppendLine($"persistence_location {WorkingDirectory}/");
            config.AppendLine("autosave_interval 1");
        }

        if (_options.Users.Count > 0)
        {
            var passwordFile = Path.Combine(WorkingDirectory, "passwd");
            await File.WriteAllLinesAsync(passwordFile, _options.Users.Select(u => $"{u.Key}:{u.Value}"), cancellationToken).ConfigureAwait(false);
            await HashPasswordsAsync(passwordFile, cancellationToken).ConfigureAwait(false);
            config.AppendLine($"password_file {passwordFile}");
        }

        if (_options.AclLines.Count > 0)
        {
            var aclFile = Path.Combine(WorkingDirectory, "acl");
            await File.WriteAllLinesAsync(aclFile, _options.AclLines, cancellationToken).ConfigureAwait(false);
            config.AppendLine($"acl_file {aclFile}");
        }

        if (_options.Tls is { } tls)
        {
            config.AppendLine($"cafile {tls.CaFile}");
            config.AppendLine($"certfile {tls.CertFile}");
            config.AppendLine($"keyfile {tls.KeyFile}");
            config.AppendLine($"require_certificate {(tls.RequireClientCertificate ? "true" : "false")}");
            config.AppendLine($"use_identity_as_username {(tls.UseIdentityAsUsername ? "true" : "false")}");
        }

        foreach (var line in _options.ExtraConfig)
        {
            config.AppendLine(line);
        }

        await File.WriteAllTextAsync(Path.Combine(WorkingDirectory, "mosquitto.conf"), config.ToString(), cancellationToken).ConfigureAwait(false);
    }

    private static async Task HashPasswordsAsync(string passwordFile, CancellationToken cancellationToken)
    {
        var tool = File.Exists("/usr/bin/mosquitto_passwd") ? "/usr/bin/mosquitto_passwd" : "mosquitto_passwd";
        var psi = new ProcessStartInfo(tool) { RedirectStandardError = true, RedirectStandardOutput = true };
        psi.ArgumentList.Add("-U");
        psi.ArgumentList.Add(passwordFile);
        using var process = Process.Start(psi) ?? throw new MosquittoUnavailableException("mosquitto_passwd could not be started");
        var stderr = await process.StandardError.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            throw new MosquittoUnavailableException($"mosquitto_passwd -U failed: {stderr.Trim()}");
        }
    }
}

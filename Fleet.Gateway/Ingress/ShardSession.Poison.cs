using System.Data.Common;
using System.Net.Sockets;
using Fleet.Gateway.Store;
using Fleet.Gateway.Store.Rejections;
using Fleet.Gateway.Twins;
using Fleet.Shared.Protocol;

namespace Fleet.Gateway.Ingress;

/// <summary>The poison-message policy of a shard session: which failures hold the shard and which are rejected.</summary>
internal sealed partial class ShardSession
{
    /// <summary>The rejection cause when <paramref name="failure"/> will not go away by retrying; null when the message is to be held and redelivered.</summary>
    private string? Poisoned(TopicAddress address, string topic, byte[] payload, Exception failure)
    {
        if (StoreRefusal.IsRefusal(failure))
        {
            return RejectionCauses.StoreRefused;
        }

        if (MayPass(failure))
        {
            return null;
        }

        // The twin itself failed on it: once may be a passing state of the twin (it restarts from the store),
        // twice in a row on the same message is the message.
        var suspect = new Suspect(topic, payload.Length, Fingerprint(payload));
        if (Volatile.Read(ref _suspect) == suspect)
        {
            return RejectionCauses.TwinFailed;
        }

        Volatile.Write(ref _suspect, suspect);
        GatewayLog.TwinFailedOnce(_logger, address.DeviceId, topic, failure);
        return null;
    }

    /// <summary>Faults of the store or the runtime that say nothing about the message: held with backoff, never rejected.</summary>
    private static bool MayPass(Exception failure)
    {
        for (var inner = failure; inner is not null; inner = inner.InnerException)
        {
            if (inner is DbException or IOException or SocketException or TimeoutException or OperationCanceledException
                or TwinStoppedException or TwinPersistenceException)
            {
                return true;
            }
        }

        return false;
    }

    private static int Fingerprint(byte[] payload)
    {
        var hash = new HashCode();
        hash.AddBytes(payload);
        return hash.ToHashCode();
    }

    /// <summary>The message that last failed the twin, to know it when it comes again.</summary>
    private sealed record Suspect(string Topic, int Length, int Fingerprint);
}

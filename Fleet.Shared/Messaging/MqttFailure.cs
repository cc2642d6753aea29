using System.Net.Sockets;
using System.Security.Authentication;
using MQTTnet.Exceptions;

namespace Fleet.Shared.Messaging;

/// <summary>What kind of transport fault an exception from MQTTnet stands for.</summary>
public enum MqttFailureKind
{
    /// <summary>Not a transport fault (a bug, a bad argument): let it propagate.</summary>
    None,

    /// <summary>The TLS handshake failed, or a TLS file could not be used.</summary>
    Tls,

    /// <summary>Connecting or waiting for an acknowledgement took too long, or was cancelled.</summary>
    Timeout,

    /// <summary>The connection could not be made or was lost.</summary>
    Connection,
}

/// <summary>Classifies the exceptions MQTTnet throws for transport faults.</summary>
/// <remarks>MQTTnet wraps a TLS failure (an <see cref="AuthenticationException"/>) at varying depths, so the whole inner-exception chain is searched for it first.</remarks>
public static class MqttFailure
{
    /// <summary>The kind of <paramref name="exception"/>; <see cref="MqttFailureKind.None"/> when it is not a transport fault.</summary>
    public static MqttFailureKind Classify(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        for (var inner = exception; inner is not null; inner = inner.InnerException)
        {
            if (inner is AuthenticationException or MqttSettingsException)
            {
                return MqttFailureKind.Tls;
            }
        }

        return exception switch
        {
            OperationCanceledException or TimeoutException or MqttCommunicationTimedOutException => MqttFailureKind.Timeout,
            MqttCommunicationException or SocketException or IOException or ObjectDisposedException => MqttFailureKind.Connection,
            _ => MqttFailureKind.None,
        };
    }
}

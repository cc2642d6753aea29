namespace Fleet.Shared.Mqtt;

/// <summary>Exceptions that must never be caught and turned into a connection-lost outcome.</summary>
internal static class MqttFatal
{
    public static bool IsFatal(this Exception exception) =>
        exception is OutOfMemoryException or StackOverflowException or AccessViolationException or ThreadAbortException;
}

using System.Text.Json;
using Fleet.Device.Storage;
using Fleet.Device.Core;

namespace Fleet.Device.Agent;

/// <summary>Reads and atomically writes <see cref="AgentState"/>; a missing or unreadable file is a fresh state.</summary>
internal sealed class AgentStateFile(string path)
{
    public AgentState Load()
    {
        try
        {
            return JsonSerializer.Deserialize(File.ReadAllBytes(path), AgentJsonContext.Default.AgentState) ?? AgentState.Fresh;
        }
        catch (Exception ex) when (ex is IOException or JsonException)
        {
            return AgentState.Fresh;
        }
    }

    public void Save(AgentState state) => AtomicFile.Write(path, JsonSerializer.SerializeToUtf8Bytes(state, AgentJsonContext.Default.AgentState));
}

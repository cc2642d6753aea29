using System.Text;
using System.Text.Json;
using Fleet.Gateway.Store;
using Fleet.Gateway.Store.Distillation;

namespace Fleet.Gateway.Distillation;

/// <summary>Maps <see cref="DistillationJob"/> to and from its stored form.</summary>
internal static class DistillationJobs
{
    private const int MaxErrorLength = 2000;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static string ProgressJson(DistillationProgress progress) =>
        JsonSerializer.Serialize(new StoredProgress(progress.Stage, progress.Epoch, progress.Epochs, progress.Loss), Json);

    public static DistillationChange ChangeOf(DistillationJob job)
    {
        ArgumentNullException.ThrowIfNull(job);
        var state = job.State switch
        {
            "succeeded" => DistillationState.Succeeded,
            "failed" => DistillationState.Failed,
            _ => DistillationState.Running,
        };
        return new DistillationChange(
            state,
            ProgressJson(job.Progress),
            JsonSerializer.Serialize(job.InsightIds, Json),
            job.Metrics is null ? null : JsonSerializer.Serialize(job.Metrics, Json),
            job.Error);
    }

    public static DistillationJob FromRecord(DistillationRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var progress = JsonSerializer.Deserialize<StoredProgress>(record.ProgressJson, Json)
            ?? throw new InvalidOperationException($"distillation {record.Id} has no stored progress");
        return new DistillationJob(
            record.Id,
            record.ModelId,
            record.FromVersion,
            record.TeacherVersion,
            record.NewVersion,
            record.State switch
            {
                DistillationState.Succeeded => "succeeded",
                DistillationState.Failed => "failed",
                _ => "running",
            },
            new DistillationProgress(progress.Stage, progress.Epoch, progress.Epochs, progress.Loss),
            JsonSerializer.Deserialize<long[]>(record.InsightIdsJson, Json) ?? [],
            record.MetricsJson is null ? null : JsonSerializer.Deserialize<Dictionary<string, double>>(record.MetricsJson, Json),
            record.Error,
            record.Started,
            record.Finished);
    }

    /// <summary>An error as the store keeps it: one line, bounded.</summary>
    public static string ErrorText(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var text = new StringBuilder(Math.Min(message.Length, MaxErrorLength));
        foreach (var c in message.AsSpan(0, Math.Min(message.Length, MaxErrorLength)))
        {
            text.Append(char.IsControl(c) ? ' ' : c);
        }

        return text.Length == 0 ? "failed" : text.ToString();
    }

    /// <summary>Whether <paramref name="jobId"/> could name a stored job (anything else is simply not found).</summary>
    public static bool IsValidId(string jobId) =>
        !string.IsNullOrWhiteSpace(jobId) && jobId.Length <= StoreLimits.MaxIdLength && !jobId.Any(char.IsControl);

    private sealed record StoredProgress(string Stage, int Epoch, int Epochs, double? Loss);
}

using System.Globalization;
using System.Text.Json;
using Fleet.Gateway.Api.Models;
using Fleet.Gateway.Insights;
using Fleet.Gateway.Store;
using Fleet.Gateway.Store.Models;
using Fleet.Shared.Actors;
using Fleet.Shared.Learning;
using Fleet.Shared.Models.Packaging;
using Fleet.Shared.Mqtt;
using Fleet.Shared.Onnx.Reading;

namespace Fleet.Gateway.Distillation;

/// <summary>
/// Runs distillations as jobs: loads the parent and teacher packages from the registry and the parent's aggregated
/// insights, runs the <see cref="DistillationRunner"/> on the thread pool (progress comes back as messages, so the
/// job resource is always current), and registers the student, signed with the fleet key, with its card and lineage.
/// </summary>
internal sealed class Distiller : ActorBase
{
    private readonly IFleetStore _store;
    private readonly ModelRegistry _registry;
    private readonly IActorRef _insights;
    private readonly DistillationPolicy _policy;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Dictionary<string, DistillationJob> _jobs = new(StringComparer.Ordinal);
    private int _sequence;

    public Distiller(IFleetStore store, ModelRegistry registry, IActorRef insights, DistillationPolicy policy, TimeProvider time, ILogger logger)
    {
        _store = store;
        _registry = registry;
        _insights = insights;
        _policy = policy;
        _time = time;
        _logger = logger;
    }

    public static Props Props(IFleetStore store, ModelRegistry registry, IActorRef insights, DistillationPolicy policy, TimeProvider time, ILogger logger) =>
        Fleet.Shared.Actors.Props.Create(() => new Distiller(store, registry, insights, policy, time, logger));

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case StartDistillation start:
                Start(start);
                break;
            case GetDistillation get:
                Sender.Tell(_jobs.GetValueOrDefault(get.JobId) ?? DistillationJob.None, Self);
                break;
            case Progressed progressed when _jobs.TryGetValue(progressed.JobId, out var job) && job.State == "running":
                _jobs[progressed.JobId] = job with { Progress = progressed.Progress };
                break;
            case Finished finished when _jobs.TryGetValue(finished.JobId, out var job):
                _jobs[finished.JobId] = job with
                {
                    State = finished.Error is null ? "succeeded" : "failed",
                    Progress = finished.Error is null ? job.Progress with { Stage = "done" } : job.Progress,
                    InsightIds = finished.InsightIds,
                    Metrics = finished.Metrics,
                    Error = finished.Error,
                    Finished = _time.GetUtcNow(),
                };
                DistillationLog.Finished(_logger, finished.JobId, job.ModelId, job.NewVersion, finished.Error ?? "succeeded");
                break;
            case Progressed or Finished:
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    private void Start(StartDistillation start)
    {
        var now = _time.GetUtcNow();
        var id = string.Create(CultureInfo.InvariantCulture, $"dist-{now.ToUnixTimeMilliseconds()}-{++_sequence}");
        var job = new DistillationJob(id, start.ModelId, start.FromVersion, start.TeacherVersion, start.NewVersion, "running",
            new DistillationProgress("queued", 0, _policy.Epochs, null), [], null, null, now, null);
        _jobs[id] = job;
        Sender.Tell(job, Self);
        DistillationLog.Started(_logger, id, start.ModelId, start.FromVersion, start.TeacherVersion, start.NewVersion, start.Actor);
        var self = Self;
        var context = new JobContext(_store, _registry, _insights, _policy);
        _ = Task.Run(() => RunAsync(context, id, start, self));
    }

    private static async Task RunAsync(JobContext context, string jobId, StartDistillation start, IActorRef self)
    {
        IReadOnlyList<long> insightIds = [];
        try
        {
            var parent = await LoadPackageAsync(context, start.ModelId, start.FromVersion).ConfigureAwait(false);
            var teacherPackage = await LoadPackageAsync(context, start.ModelId, start.TeacherVersion).ConfigureAwait(false);
            var teacher = Mlp.FromOnnx(OnnxModelReader.Read(teacherPackage.Onnx));
            var summary = await context.Insights.Ask<InsightSummary>(new GetInsightSummary(start.ModelId, start.FromVersion), TimeSpan.FromSeconds(60)).ConfigureAwait(false);
            var region = summary.Region ?? throw new DistillationException($"{start.ModelId} {start.FromVersion} has no insight with an input-region sketch yet");
            insightIds = summary.InsightIds;
            var result = DistillationRunner.Run(teacher, parent, region, start.NewVersion, context.Policy, p => self.Tell(new Progressed(jobId, p)), CancellationToken.None);
            self.Tell(new Progressed(jobId, new DistillationProgress("registering", context.Policy.Epochs, context.Policy.Epochs, result.Metrics["finalLoss"])));
            var card = JsonSerializer.Serialize(new
            {
                v = 1,
                id = start.ModelId,
                version = start.NewVersion,
                parent = start.FromVersion,
                metrics = result.Metrics,
                lineage = new { parent = start.FromVersion, teacher = start.TeacherVersion, insightIds, distillation = jobId },
            });
            var (status, _) = await context.Registry.AddAsync(
                start.ModelId, start.NewVersion, start.FromVersion, ModelPackageWriter.Write(result.Package), JsonSerializer.Serialize(result.Metrics), card, CancellationToken.None).ConfigureAwait(false);
            if (status != ModelAddStatus.Added)
            {
                throw new DistillationException($"registering {start.ModelId} {start.NewVersion} failed: {status}");
            }

            self.Tell(new Finished(jobId, result.Metrics, insightIds, null));
        }
        catch (Exception ex) when (!ex.IsFatal())
        {
            self.Tell(new Finished(jobId, null, insightIds, ex is DistillationException or Fleet.Shared.Onnx.OnnxRuntimeException or InvalidDataException or AskTimeoutException ? ex.Message : ex.ToString()));
        }
    }

    private static async Task<ModelPackage> LoadPackageAsync(JobContext context, string modelId, string version)
    {
        var record = await context.Store.Models.GetAsync(modelId, version, CancellationToken.None).ConfigureAwait(false)
            ?? throw new DistillationException($"model {modelId} {version} is not registered");
        var bytes = await context.Registry.ReadArtifactAsync(record, CancellationToken.None).ConfigureAwait(false)
            ?? throw new DistillationException($"model {modelId} {version} has no artifact");
        var read = ModelPackageReader.Read(bytes);
        return read.Package ?? throw new DistillationException($"model {modelId} {version} is not a model package: {read.Message}");
    }

    private sealed record JobContext(IFleetStore Store, ModelRegistry Registry, IActorRef Insights, DistillationPolicy Policy);

    private sealed record Progressed(string JobId, DistillationProgress Progress);

    private sealed record Finished(string JobId, IReadOnlyDictionary<string, double>? Metrics, IReadOnlyList<long> InsightIds, string? Error);
}

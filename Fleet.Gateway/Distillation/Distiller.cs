using System.Globalization;
using System.Text.Json;
using Akka.Actor;
using Fleet.Gateway.Twins;
using Fleet.Gateway.Insights;
using Fleet.Gateway.Store;
using Fleet.Gateway.Store.Distillation;
using Fleet.Gateway.Store.Models;
using Fleet.Shared.Models.Packaging;
using Fleet.Gateway.Registry;
using Fleet.Shared.Diagnostics;

namespace Fleet.Gateway.Distillation;

/// <summary>
/// Runs distillations as jobs: loads the parent and teacher from the registry and the parent's aggregated insights, runs
/// the <see cref="DistillationRunner"/> on the thread pool (progress comes back as messages), and registers the student,
/// signed with the fleet key, with its card and lineage. Every change of a job is written to the store in order, so a
/// job outlives the gateway; on start, jobs a previous incarnation left running are marked failed ("interrupted"):
/// the work is minutes of CPU and is restarted by asking again, not resumed. It is a cluster singleton, so the
/// incarnation that starts is the only one: a node that died or left never leaves a job running twice.
/// </summary>
internal sealed class Distiller : UntypedActor, IWithUnboundedStash
{
    private static readonly TimeSpan ProgressWriteInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan InsightsTimeout = TimeSpan.FromSeconds(60);

    /// <summary>The error of a job that was running when its gateway stopped.</summary>
    public const string InterruptedError = "interrupted: the gateway node running this job stopped or died; start the distillation again";

    private readonly IFleetStore _store;
    private readonly ModelRegistry _registry;
    private readonly IActorRef _insights;
    private readonly DistillationPolicy _policy;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Dictionary<string, DistillationJob> _jobs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> _progressWritten = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private Task _writes = Task.CompletedTask;
    private bool _recovered;
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

    public IStash Stash { get; set; } = null!;

    public static Props Props(IFleetStore store, ModelRegistry registry, IActorRef insights, DistillationPolicy policy, TimeProvider time, ILogger logger) =>
        Akka.Actor.Props.Create(() => new Distiller(store, registry, insights, policy, time, logger));

    protected override void PreStart() => FailInterruptedAsync(_store).PipeTo(Self);

    /// <summary>Stops the running jobs' training; their store rows stay <c>running</c> until the next start marks them interrupted.</summary>
    protected override void PostStop()
    {
        _stopping.Cancel();
        _stopping.Dispose();
    }

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case Recovered recovered:
                OnRecovered(recovered);
                break;
            case StartDistillation or GetDistillation when !_recovered:
                Stash.Stash();
                break;
            case StartDistillation start:
                Start(start);
                break;
            case GetDistillation get when _jobs.TryGetValue(get.JobId, out var known):
                Sender.Tell(known, Self);
                break;
            case GetDistillation get:
                ReadAsync(_store, get.JobId).PipeTo(Sender, Self);
                break;
            case Progressed progressed when _jobs.TryGetValue(progressed.JobId, out var job) && job.State == "running":
                OnProgressed(job, progressed.Progress);
                break;
            case Finished finished when _jobs.TryGetValue(finished.JobId, out var job):
                Save(job with
                {
                    State = finished.Error is null ? "succeeded" : "failed",
                    Progress = finished.Error is null ? job.Progress with { Stage = "done" } : job.Progress,
                    InsightIds = finished.InsightIds,
                    Metrics = finished.Metrics,
                    Error = finished.Error,
                    Finished = _time.GetUtcNow(),
                });
                _progressWritten.Remove(finished.JobId);
                DistillationLog.Finished(_logger, finished.JobId, job.ModelId, job.NewVersion, finished.Error ?? "succeeded");
                break;
            case UsingInsights chosen when _jobs.TryGetValue(chosen.JobId, out var job) && job.State == "running":
                Save(job with { InsightIds = chosen.InsightIds });
                break;
            case Progressed or Finished or UsingInsights:
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    private void OnRecovered(Recovered recovered)
    {
        _recovered = true;
        if (recovered.Error is not null)
        {
            DistillationLog.RecoveryFailed(_logger, recovered.Error);
        }
        else if (recovered.Interrupted > 0)
        {
            DistillationLog.Interrupted(_logger, recovered.Interrupted);
        }

        Stash.UnstashAll();
    }

    private void Start(StartDistillation start)
    {
        var now = _time.GetUtcNow();
        var id = string.Create(CultureInfo.InvariantCulture, $"dist-{now.ToUnixTimeMilliseconds()}-{++_sequence}");
        var job = new DistillationJob(id, start.ModelId, start.FromVersion, start.TeacherVersion, start.NewVersion, "running",
            new DistillationProgress("queued", 0, _policy.Epochs, null), [], null, null, now, null);
        _jobs[id] = job;
        var record = new NewDistillation(id, start.ModelId, start.FromVersion, start.TeacherVersion, start.NewVersion, start.Actor, DistillationJobs.ProgressJson(job.Progress));
        Persist(id, store => store.Distillations.CreateAsync(record, CancellationToken.None));
        Sender.Tell(job, Self);
        DistillationLog.Started(_logger, id, start.ModelId, start.FromVersion, start.TeacherVersion, start.NewVersion, start.Actor);
        var self = Self;
        var context = new JobContext(_store, _registry, _insights, _policy, _time, _stopping.Token);
        _ = Task.Run(() => RunAsync(context, id, start, self));
    }

    private void OnProgressed(DistillationJob job, DistillationProgress progress)
    {
        // Memory always has the latest epoch; the store gets a stage change at once and epochs at most once a second.
        var now = _time.GetUtcNow();
        var updated = job with { Progress = progress };
        if (progress.Stage != job.Progress.Stage || now - _progressWritten.GetValueOrDefault(job.Id) >= ProgressWriteInterval)
        {
            _progressWritten[job.Id] = now;
            Save(updated);
        }
        else
        {
            _jobs[job.Id] = updated;
        }
    }

    private void Save(DistillationJob job)
    {
        _jobs[job.Id] = job;
        var change = DistillationJobs.ChangeOf(job);
        Persist(job.Id, store => store.Distillations.UpdateAsync(job.Id, change, CancellationToken.None));
    }

    /// <summary>Chains the write after the previous one, so the store sees a job's changes in the order they happened.</summary>
    private void Persist<T>(string jobId, Func<IFleetStore, Task<T>> write)
    {
        var store = _store;
        var logger = _logger;
        _writes = _writes.ContinueWith(
            async _ =>
            {
                try
                {
                    await write(store).ConfigureAwait(false);
                }
                catch (Exception ex) when (!ex.IsFatal())
                {
                    DistillationLog.PersistFailed(logger, jobId, ex);
                }
            },
            CancellationToken.None,
            TaskContinuationOptions.None,
            TaskScheduler.Default).Unwrap();
    }

    private static async Task<Recovered> FailInterruptedAsync(IFleetStore store)
    {
        try
        {
            var running = await store.Distillations.ListAsync([DistillationState.Running], CancellationToken.None).ConfigureAwait(false);
            foreach (var job in running)
            {
                await store.Distillations.UpdateAsync(
                    job.Id, new DistillationChange(DistillationState.Failed, job.ProgressJson, job.InsightIdsJson, job.MetricsJson, InterruptedError), CancellationToken.None).ConfigureAwait(false);
            }

            return new Recovered(running.Count, null);
        }
        catch (Exception ex) when (!ex.IsFatal())
        {
            return new Recovered(0, ex);
        }
    }

    private static async Task<DistillationJob> ReadAsync(IFleetStore store, string jobId) =>
        DistillationJobs.IsValidId(jobId) && await store.Distillations.GetAsync(jobId, CancellationToken.None).ConfigureAwait(false) is { } record
            ? DistillationJobs.FromRecord(record)
            : DistillationJob.None;

    private static async Task RunAsync(JobContext context, string jobId, StartDistillation start, IActorRef self)
    {
        IReadOnlyList<long> insightIds = [];
        try
        {
            var parentBytes = await LoadArtifactAsync(context, start.ModelId, start.FromVersion).ConfigureAwait(false);
            var parent = ModelPackageReader.Read(parentBytes).Package
                ?? throw new DistillationException($"model {start.ModelId} {start.FromVersion} is not a model package (the student inherits its golden inputs and baseline)");
            var teacherBytes = await LoadArtifactAsync(context, start.ModelId, start.TeacherVersion).ConfigureAwait(false);
            var teacherPackage = ModelArtifacts.IsPackage(teacherBytes) ? ModelPackageReader.Read(teacherBytes).Package : null;
            using var teacher = OnnxTeacher.Load(teacherPackage?.Onnx ?? teacherBytes, teacherPackage?.Golden.OutputName ?? parent.Golden.OutputName);
            var summary = await context.Insights.AskAsync<InsightSummary>(new GetInsightSummary(start.ModelId, start.FromVersion), InsightsTimeout, context.Time, context.Stopping).ConfigureAwait(false);
            var region = summary.Region ?? throw new DistillationException($"{start.ModelId} {start.FromVersion} has no insight with an input-region sketch yet");
            insightIds = summary.InsightIds;
            self.Tell(new UsingInsights(jobId, insightIds));
            var result = DistillationRunner.Run(teacher, parent, region, start.NewVersion, context.Policy, p => self.Tell(new Progressed(jobId, p)), context.Stopping);
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
        catch (OperationCanceledException) when (context.Stopping.IsCancellationRequested)
        {
            // The gateway is stopping: the row stays running and the next start marks it interrupted.
        }
        catch (Exception ex) when (!ex.IsFatal())
        {
            var expected = ex is DistillationException or Fleet.Shared.Onnx.OnnxRuntimeException or Fleet.Shared.Onnx.OnnxRuntimeNotAvailableException or InvalidDataException or TimeoutException;
            self.Tell(new Finished(jobId, null, insightIds, DistillationJobs.ErrorText(expected ? ex.Message : $"{ex.GetType().Name}: {ex.Message}")));
        }
    }

    private static async Task<byte[]> LoadArtifactAsync(JobContext context, string modelId, string version)
    {
        var record = await context.Store.Models.GetAsync(modelId, version, CancellationToken.None).ConfigureAwait(false)
            ?? throw new DistillationException($"model {modelId} {version} is not registered");
        return await context.Registry.ReadArtifactAsync(record, CancellationToken.None).ConfigureAwait(false)
            ?? throw new DistillationException($"model {modelId} {version} has no artifact");
    }

    private sealed record JobContext(IFleetStore Store, ModelRegistry Registry, IActorRef Insights, DistillationPolicy Policy, TimeProvider Time, CancellationToken Stopping);

    private sealed record Progressed(string JobId, DistillationProgress Progress) : INoSerializationVerificationNeeded;

    private sealed record Finished(string JobId, IReadOnlyDictionary<string, double>? Metrics, IReadOnlyList<long> InsightIds, string? Error) : INoSerializationVerificationNeeded;

    private sealed record UsingInsights(string JobId, IReadOnlyList<long> InsightIds) : INoSerializationVerificationNeeded;

    private sealed record Recovered(int Interrupted, Exception? Error) : INoSerializationVerificationNeeded;
}

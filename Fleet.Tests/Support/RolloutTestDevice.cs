using System.Text.Json.Nodes;
using Fleet.Shared.Protocol;
using Fleet.Tests.Gateway.Infrastructure;

namespace Fleet.Tests.Gateway.Rollouts;

/// <summary>
/// A protocol-speaking test device for rollouts: reports a model version and answers each new desired state that
/// names a model with an update event (the outcome <see cref="Decide"/> picks) and a fresh report.
/// </summary>
internal sealed class RolloutTestDevice : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly SemaphoreSlim _wake = new(0);
    private readonly Task _loop;
    private long _answered;
    private Func<string, string?> _decide = _ => "committed";

    private RolloutTestDevice(TestDevice device, string modelVersion)
    {
        Device = device;
        ModelVersion = modelVersion;
        device.DesiredReceived += Wake;
        _loop = Task.Run(LoopAsync);
    }

    public TestDevice Device { get; }

    public string Id => Device.Id;

    public string ModelVersion { get; private set; }

    /// <summary>The outcome for a desired model version (committed, rolledBack, refused), or null to leave it unanswered for now.</summary>
    public Func<string, string?> Decide
    {
        get => _decide;
        set
        {
            _decide = value;
            Wake();
        }
    }

    /// <summary>Model versions this device was sent, in order.</summary>
    public IReadOnlyList<string> Received => Device.Desired.Where(d => d.Model is not null).Select(d => d.Model!.Version).ToList();

    public IReadOnlyList<DesiredState> DesiredStates => Device.Desired.ToList();

    public static async Task<RolloutTestDevice> StartAsync(int port, string id, string modelVersion)
    {
        var device = await TestDevice.ConnectAsync(port, id);
        await device.StatusAsync();
        await device.ReportAsync(0, modelVersion);
        return new RolloutTestDevice(device, modelVersion);
    }

    private async Task LoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var next = Device.Desired.Where(d => d.Version > _answered).OrderBy(d => d.Version).LastOrDefault();
            if (next is not null && Answer(next) is { } task)
            {
                await task;
            }

            try
            {
                // Woken by a new desired state or a new Decide (a version left unanswered may be answered now).
                await _wake.WaitAsync(_stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private Task? Answer(DesiredState desired)
    {
        if (desired.Model is not { } model || model.Version == ModelVersion)
        {
            _answered = desired.Version;
            return Device.ReportAsync(desired.Version, ModelVersion);
        }

        if (Decide(model.Version) is not { } outcome)
        {
            return null;
        }

        _answered = desired.Version;
        return AnswerAsync(desired.Version, model.Version, outcome);
    }

    private async Task AnswerAsync(long desiredVersion, string version, string outcome)
    {
        if (outcome == "committed")
        {
            ModelVersion = version;
        }

        await Device.PublishAsync(TopicKind.Events, new JsonObject
        {
            ["type"] = "update",
            ["desiredVersion"] = desiredVersion,
            ["modelVersion"] = version,
            ["outcome"] = outcome,
            ["reason"] = outcome == "committed" ? "soaked" : "golden validation failed",
        });
        await Device.ReportAsync(desiredVersion, ModelVersion);
    }

    /// <summary>Publishes a heal episode on the running version.</summary>
    public Task HealAsync(string eventId, string outcome) => Device.HealAsync(eventId, outcome, "hardware", ModelVersion);

    /// <summary>Answers a desired state left unanswered if <see cref="Decide"/> now has an outcome for it; call after changing what it depends on.</summary>
    public void Reconsider() => Wake();

    private void Wake() => _wake.Release();

    public async ValueTask DisposeAsync()
    {
        Device.DesiredReceived -= Wake;
        await _stop.CancelAsync();
        await _loop;
        await Device.DisposeAsync();
        _stop.Dispose();
        _wake.Dispose();
    }
}

namespace Fleet.Gateway.Store.Distillation;

/// <summary>Distillation jobs: state, progress, metrics, error and the insights used, so a job outlives the gateway that ran it.</summary>
internal interface IDistillationStore
{
    /// <summary>Records a new running job; false when the id exists.</summary>
    Task<bool> CreateAsync(NewDistillation job, CancellationToken cancellationToken);

    Task<DistillationRecord?> GetAsync(string jobId, CancellationToken cancellationToken);

    /// <summary>Jobs in any of <paramref name="states"/> (all when empty), newest first.</summary>
    Task<IReadOnlyList<DistillationRecord>> ListAsync(IReadOnlyCollection<DistillationState> states, CancellationToken cancellationToken);

    /// <summary>
    /// Replaces a running job's state, progress, insights, metrics and error; a terminal state also stamps <c>finished</c>.
    /// Null when the job is unknown or already ended (a finished job never changes).
    /// </summary>
    Task<DistillationRecord?> UpdateAsync(string jobId, DistillationChange change, CancellationToken cancellationToken);
}

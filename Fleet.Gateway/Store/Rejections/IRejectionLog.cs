namespace Fleet.Gateway.Store.Rejections;

/// <summary>The rejected-messages log: device messages acknowledged without being acted on, kept for operators.</summary>
internal interface IRejectionLog
{
    /// <summary>Records a rejection stamped with the store's clock.</summary>
    /// <exception cref="ArgumentException">Empty topic, kind or reason, or a cause not in <see cref="RejectionCauses.All"/>.</exception>
    Task<RejectedMessage> AppendAsync(NewRejection rejection, CancellationToken cancellationToken);

    /// <summary>Deletes all but the newest <paramref name="keep"/> rejections; returns how many went.</summary>
    Task<int> TrimAsync(int keep, CancellationToken cancellationToken);

    /// <summary>Rejections newest first, filtered by <paramref name="query"/>.</summary>
    Task<RejectionPage> ListAsync(RejectionQuery query, int limit, string? after, CancellationToken cancellationToken);
}

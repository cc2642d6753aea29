namespace Fleet.Gateway.Insights;

/// <summary>What the aggregator remembers of one model version: the insights read so far (bounded) and where to resume.</summary>
internal sealed class InsightState
{
    private readonly Queue<InsightEntry> _entries = new();

    public long LastId { get; private set; }

    public int Rejected { get; private set; }

    public IEnumerable<InsightEntry> Entries => _entries;

    public void Add(InsightEntry entry, int capacity)
    {
        if (entry.Id <= LastId)
        {
            return;
        }

        LastId = entry.Id;
        _entries.Enqueue(entry);
        while (_entries.Count > capacity)
        {
            _entries.Dequeue();
        }
    }

    public void Reject(long id)
    {
        if (id > LastId)
        {
            LastId = id;
            Rejected++;
        }
    }
}

namespace Fleet.Gateway.Store.Healing;

/// <summary>How many episodes with one (diagnosis, outcome) a time window holds, and on how many distinct devices.</summary>
internal sealed record HealSignatureCount(string Diagnosis, string Outcome, int Events, int Devices);

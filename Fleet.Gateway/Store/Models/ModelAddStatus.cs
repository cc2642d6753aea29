namespace Fleet.Gateway.Store.Models;

internal enum ModelAddStatus
{
    Added,

    /// <summary>This model id and version are already registered; nothing changed.</summary>
    AlreadyExists,

    /// <summary>The parent version is not registered for this model id.</summary>
    ParentMissing,
}

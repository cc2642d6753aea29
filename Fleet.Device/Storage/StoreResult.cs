using System.Diagnostics.CodeAnalysis;

namespace Fleet.Device.Storage;

/// <summary>A value or the reason the weight store could not produce it.</summary>
internal readonly record struct StoreResult<T>
{
    private StoreResult(T? value, StoreError? error)
    {
        Value = value;
        Error = error;
    }

    public T? Value { get; }

    public StoreError? Error { get; }

    [MemberNotNullWhen(true, nameof(Value))]
    [MemberNotNullWhen(false, nameof(Error))]
    public bool IsSuccess => Error is null;

    public static StoreResult<T> Success(T value) => new(value, null);

    public static StoreResult<T> Failure(StoreErrorKind kind, string message) => new(default, new StoreError(kind, message));

    public StoreResult<TOther> Cast<TOther>() => IsSuccess
        ? throw new InvalidOperationException("Only failures can change type.")
        : StoreResult<TOther>.Failure(Error.Kind, Error.Message);
}

namespace Fleet.Gateway.Api.Auth;

/// <summary>What a token may do. Operators may change the fleet; readers may only look.</summary>
internal enum ApiRole
{
    ReadOnly,
    Operator,
}

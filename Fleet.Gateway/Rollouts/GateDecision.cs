namespace Fleet.Gateway.Rollouts;

internal enum GateDecision
{
    Wait,
    Pass,
    Fail,
}

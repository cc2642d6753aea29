using System.Text.Json.Serialization;

namespace Fleet.Shared.Protocol;

/// <summary><c>…/events</c>: one event, discriminated by <c>type</c> (<c>heal</c>, <c>insight</c>, <c>update</c>, <c>validation</c>).</summary>
/// <remarks><c>type</c> may appear anywhere in the object; an unknown <c>type</c> is rejected by <see cref="WireCodec"/> as <see cref="WireErrorKind.Invalid"/>.</remarks>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(HealEvent), "heal")]
[JsonDerivedType(typeof(InsightEvent), "insight")]
[JsonDerivedType(typeof(UpdateEvent), "update")]
[JsonDerivedType(typeof(ValidationEvent), "validation")]
public abstract record DeviceEvent : SequencedEnvelope;

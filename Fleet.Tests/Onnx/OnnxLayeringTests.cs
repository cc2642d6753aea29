using System.Reflection;
using System.Reflection.Emit;
using Fleet.Shared.Onnx.Format;

namespace Fleet.Tests.Onnx;

/// <summary>
/// The ONNX format code (Format, Reading, Writing, Reference, Proto), Learning and Models do not need ONNX Runtime: no
/// type there names a type of Fleet's runtime facade (<c>Fleet.Shared.Onnx</c>) or of Microsoft.ML.OnnxRuntime, in a
/// signature or in a method body. Checked on the compiled IL, so a fully qualified name cannot slip past it.
/// </summary>
public sealed class OnnxLayeringTests
{
    private static readonly string[] FormatSide =
    [
        "Fleet.Shared.Onnx.Format", "Fleet.Shared.Onnx.Reading", "Fleet.Shared.Onnx.Writing", "Fleet.Shared.Onnx.Reference",
        "Fleet.Shared.Onnx.Proto", "Fleet.Shared.Learning", "Fleet.Shared.Models",
    ];

    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value);

    [Fact]
    public void FormatSide_ReferencesNeitherTheRuntimeFacadeNorOnnxRuntime()
    {
        var assembly = typeof(TensorInfo).Assembly;
        var types = assembly.GetTypes().Where(t => t.Namespace is { } ns && FormatSide.Any(f => ns == f || ns.StartsWith(f + ".", StringComparison.Ordinal))).ToList();
        Assert.Contains(types, t => t.Namespace == "Fleet.Shared.Learning");

        var violations = types.SelectMany(t => References(t).Where(IsRuntime).Select(r => $"{t.FullName} → {r.FullName}")).Distinct().ToList();
        Assert.True(violations.Count == 0, string.Join(Environment.NewLine, violations));
    }

    [Fact]
    public void TheCheck_SeesARuntimeReferenceInsideAMethodBody()
    {
        // The runtime facade itself must be caught, or the test above proves nothing.
        Assert.Contains(References(typeof(Fleet.Shared.Onnx.CallerOwnedWeights)), IsRuntime);
        Assert.Contains(References(typeof(Fleet.Shared.Onnx.InferenceSession)), t => t.Namespace?.StartsWith("Microsoft.ML.OnnxRuntime", StringComparison.Ordinal) == true);
    }

    private static bool IsRuntime(Type type) =>
        type.Namespace == "Fleet.Shared.Onnx" || type.Namespace?.StartsWith("Microsoft.ML.OnnxRuntime", StringComparison.Ordinal) == true;

    private static IEnumerable<Type> References(Type type)
    {
        const BindingFlags All = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        var found = new List<Type>();
        void Add(Type? t)
        {
            if (t is null)
            {
                return;
            }

            if (t.HasElementType)
            {
                Add(t.GetElementType());
                return;
            }

            found.Add(t);
            if (t.IsGenericType)
            {
                foreach (var a in t.GetGenericArguments())
                {
                    Add(a);
                }
            }
        }

        Add(type.BaseType);
        foreach (var i in type.GetInterfaces())
        {
            Add(i);
        }

        foreach (var f in type.GetFields(All))
        {
            Add(f.FieldType);
        }

        foreach (var method in type.GetMethods(All).Cast<MethodBase>().Concat(type.GetConstructors(All)))
        {
            if (method is MethodInfo m)
            {
                Add(m.ReturnType);
            }

            foreach (var p in method.GetParameters())
            {
                Add(p.ParameterType);
            }

            var body = method.GetMethodBody();
            if (body is null)
            {
                continue;
            }

            foreach (var local in body.LocalVariables)
            {
                Add(local.LocalType);
            }

            foreach (var member in MembersUsedBy(method, body.GetILAsByteArray()!))
            {
                Add(member as Type ?? member.DeclaringType);
                switch (member)
                {
                    case FieldInfo field:
                        Add(field.FieldType);
                        break;
                    case MethodInfo called:
                        Add(called.ReturnType);
                        break;
                }
            }
        }

        return found;
    }

    private static IEnumerable<MemberInfo> MembersUsedBy(MethodBase method, byte[] il)
    {
        var typeArguments = method.DeclaringType!.IsGenericType ? method.DeclaringType.GetGenericArguments() : null;
        var methodArguments = method.IsGenericMethod ? method.GetGenericArguments() : null;
        var position = 0;
        while (position < il.Length)
        {
            short value = il[position++];
            if (value == 0xFE)
            {
                value = unchecked((short)(0xFE00 | il[position++]));
            }

            var opCode = OpCodesByValue[value];
            switch (opCode.OperandType)
            {
                case OperandType.InlineMethod or OperandType.InlineField or OperandType.InlineType or OperandType.InlineTok:
                    yield return method.Module.ResolveMember(BitConverter.ToInt32(il, position), typeArguments, methodArguments)!;
                    position += 4;
                    break;
                case OperandType.InlineNone:
                    break;
                case OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar:
                    position += 1;
                    break;
                case OperandType.InlineVar:
                    position += 2;
                    break;
                case OperandType.InlineI8 or OperandType.InlineR:
                    position += 8;
                    break;
                case OperandType.InlineSwitch:
                    position += 4 + (4 * BitConverter.ToInt32(il, position));
                    break;
                default:
                    position += 4;
                    break;
            }
        }
    }
}

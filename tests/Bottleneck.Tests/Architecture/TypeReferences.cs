using Mono.Cecil;
using Mono.Cecil.Cil;

namespace Bottleneck.Tests.Architecture;

/// <summary>
/// The types of its own module that a type names: base type and interfaces, attributes, fields, properties, events,
/// method signatures, and in method bodies every operand that is a type, method or field, every local and every catch
/// clause. Types of other assemblies (TorchSharp, System) are left out.
/// </summary>
public static class TypeReferences
{
    /// <summary>The module-local types <paramref name="type"/> references (its nested types are read separately).</summary>
    public static IEnumerable<TypeDefinition> Of(TypeDefinition type)
    {
        var found = new List<TypeReference?> { type.BaseType };
        found.AddRange(type.Interfaces.Select(i => i.InterfaceType));
        found.AddRange(Attributes(type));
        found.AddRange(type.GenericParameters.SelectMany(g => g.Constraints).Select(c => c.ConstraintType));
        foreach (var field in type.Fields) { found.Add(field.FieldType); found.AddRange(Attributes(field)); }
        foreach (var property in type.Properties) { found.Add(property.PropertyType); found.AddRange(Attributes(property)); }
        foreach (var e in type.Events) found.Add(e.EventType);
        foreach (var method in type.Methods)
        {
            found.AddRange(Signature(method));
            found.AddRange(Attributes(method));
            found.AddRange(method.GenericParameters.SelectMany(g => g.Constraints).Select(c => c.ConstraintType));
            found.AddRange(method.Overrides.Select(o => o.DeclaringType));
            if (!method.HasBody) continue;
            found.AddRange(method.Body.Variables.Select(v => v.VariableType));
            found.AddRange(method.Body.ExceptionHandlers.Select(h => h.CatchType));
            foreach (var instruction in method.Body.Instructions)
                switch (instruction.Operand)
                {
                    case TypeReference t: found.Add(t); break;
                    case MethodReference m:
                        found.Add(m.DeclaringType);
                        found.AddRange(Signature(m));
                        if (m is GenericInstanceMethod g) found.AddRange(g.GenericArguments);
                        break;
                    case FieldReference f: found.Add(f.DeclaringType); found.Add(f.FieldType); break;
                    case CallSite c: found.Add(c.ReturnType); found.AddRange(c.Parameters.Select(p => p.ParameterType)); break;
                }
        }
        var module = type.Module;
        return found.SelectMany(Expand).OfType<TypeDefinition>().Where(t => t.Module == module).Distinct();
    }

    static IEnumerable<TypeReference> Signature(IMethodSignature method) =>
        method.Parameters.Select(p => p.ParameterType).Prepend(method.ReturnType);

    static IEnumerable<TypeReference> Attributes(ICustomAttributeProvider provider) =>
        provider.CustomAttributes.Select(a => a.AttributeType);

    // A constructed type names its parts: List<Dataset> names List and Dataset, Dataset[] and ref Dataset name Dataset.
    static IEnumerable<TypeReference> Expand(TypeReference? type)
    {
        switch (type)
        {
            case null or GenericParameter: yield break;
            case GenericInstanceType generic:
                foreach (var t in Expand(generic.ElementType)) yield return t;
                foreach (var t in generic.GenericArguments.SelectMany(Expand)) yield return t;
                break;
            case TypeSpecification specification:   // arrays, by-ref, pointers, modifiers
                foreach (var t in Expand(specification.ElementType)) yield return t;
                break;
            default:
                yield return type;
                if (type.DeclaringType is not null)   // Outer.Inner names Outer too
                    foreach (var t in Expand(type.DeclaringType)) yield return t;
                break;
        }
    }
}

using System.Buffers.Binary;

namespace ExposureApi.Core.Ingestion;

/// <summary>A 32-byte hash as four big-endian words, so that comparing values orders them exactly as SQLite orders the BLOBs.</summary>
public readonly record struct Hash32(ulong A, ulong B, ulong C, ulong D) : IComparable<Hash32>
{
    public const int Size = 32;

    public static Hash32 Read(ReadOnlySpan<byte> bytes) => new(
        BinaryPrimitives.ReadUInt64BigEndian(bytes),
        BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]),
        BinaryPrimitives.ReadUInt64BigEndian(bytes[16..]),
        BinaryPrimitives.ReadUInt64BigEndian(bytes[24..]));

    public void Write(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64BigEndian(destination, A);
        BinaryPrimitives.WriteUInt64BigEndian(destination[8..], B);
        BinaryPrimitives.WriteUInt64BigEndian(destination[16..], C);
        BinaryPrimitives.WriteUInt64BigEndian(destination[24..], D);
    }

    public byte[] ToArray()
    {
        var bytes = new byte[Size];
        Write(bytes);
        return bytes;
    }

    public int CompareTo(Hash32 other)
    {
        var c = A.CompareTo(other.A);
        if (c != 0)
        {
            return c;
        }

        c = B.CompareTo(other.B);
        return c != 0 ? c : C != other.C ? C.CompareTo(other.C) : D.CompareTo(other.D);
    }

    public static bool operator <(Hash32 left, Hash32 right) => left.CompareTo(right) < 0;
    public static bool operator >(Hash32 left, Hash32 right) => left.CompareTo(right) > 0;
    public static bool operator <=(Hash32 left, Hash32 right) => left.CompareTo(right) <= 0;
    public static bool operator >=(Hash32 left, Hash32 right) => left.CompareTo(right) >= 0;
}

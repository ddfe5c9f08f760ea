package dev.ebpf4j.btf;

import java.util.Arrays;
import java.util.List;

/**
 * Turns one checked type record into its {@link BtfType}. {@link BtfIndexer} has already verified everything this
 * reads, so decoding cannot fail.
 */
final class BtfDecoder {
    private BtfDecoder() {
    }

    static BtfType decode(Btf btf, BtfBytes b, long pos) {
        String name = btf.string(b.u32(pos));
        int info = b.i32(pos + 4);
        BtfKind kind = BtfKind.of((info >>> 24) & 0x1f);
        int vlen = info & 0xffff;
        boolean kflag = info < 0;
        int third = b.i32(pos + 8);
        long p = pos + BtfKind.HEADER_BYTES;
        return switch (kind) {
            case INT -> {
                int data = b.i32(p);
                yield new BtfInt(name, third, BtfIntEncoding.of((data >>> 24) & 0x0f), (data >>> 16) & 0xff,
                        data & 0xff);
            }
            case PTR -> new BtfPtr(name, third);
            case ARRAY -> new BtfArray(name, b.i32(p), b.i32(p + 4), b.i32(p + 8));
            case STRUCT -> new BtfStruct(name, third, members(btf, b, p, vlen, kflag));
            case UNION -> new BtfUnion(name, third, members(btf, b, p, vlen, kflag));
            case ENUM -> {
                BtfEnumValue[] values = new BtfEnumValue[vlen];
                for (int i = 0; i < vlen; i++, p += 8) {
                    int v = b.i32(p + 4);
                    values[i] = new BtfEnumValue(btf.string(b.u32(p)), kflag ? v : Integer.toUnsignedLong(v));
                }
                yield new BtfEnum(name, third, kflag, List.of(values));
            }
            case ENUM64 -> {
                BtfEnumValue[] values = new BtfEnumValue[vlen];
                for (int i = 0; i < vlen; i++, p += 12) {
                    long v = Integer.toUnsignedLong(b.i32(p + 4)) | ((long) b.i32(p + 8) << 32);
                    values[i] = new BtfEnumValue(btf.string(b.u32(p)), v);
                }
                yield new BtfEnum64(name, third, kflag, List.of(values));
            }
            case FWD -> new BtfFwd(name, kflag);
            case TYPEDEF -> new BtfTypedef(name, third);
            case VOLATILE -> new BtfVolatile(name, third);
            case CONST -> new BtfConst(name, third);
            case RESTRICT -> new BtfRestrict(name, third);
            case FUNC -> new BtfFunc(name, third, BtfLinkage.of(vlen));
            case FUNC_PROTO -> {
                BtfParam[] params = new BtfParam[vlen];
                for (int i = 0; i < vlen; i++, p += 8) {
                    params[i] = new BtfParam(btf.string(b.u32(p)), b.i32(p + 4));
                }
                boolean variadic = vlen > 0 && params[vlen - 1].typeId() == 0 && params[vlen - 1].name().isEmpty();
                List<BtfParam> list = List.of(variadic ? Arrays.copyOf(params, vlen - 1) : params);
                yield new BtfFuncProto(name, third, list, variadic);
            }
            case VAR -> new BtfVar(name, third, BtfLinkage.of(b.u32(p)));
            case DATASEC -> {
                BtfVarSecinfo[] vars = new BtfVarSecinfo[vlen];
                for (int i = 0; i < vlen; i++, p += 12) {
                    vars[i] = new BtfVarSecinfo(b.i32(p), b.i32(p + 4), b.i32(p + 8));
                }
                yield new BtfDatasec(name, third, List.of(vars));
            }
            case FLOAT -> new BtfFloat(name, third);
            case DECL_TAG -> new BtfDeclTag(name, third, b.i32(p));
            case TYPE_TAG -> new BtfTypeTag(name, third);
            case VOID -> BtfVoid.INSTANCE;
        };
    }

    private static List<BtfMember> members(Btf btf, BtfBytes b, long p, int vlen, boolean kflag) {
        BtfMember[] members = new BtfMember[vlen];
        for (int i = 0; i < vlen; i++, p += 12) {
            int offset = b.i32(p + 8);
            members[i] = kflag
                    ? new BtfMember(btf.string(b.u32(p)), b.i32(p + 4), offset & 0xffffff, offset >>> 24)
                    : new BtfMember(btf.string(b.u32(p)), b.i32(p + 4), offset, 0);
        }
        return List.of(members);
    }
}

package dev.ebpf4j.internal.netlink;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class NetlinkMessageTest {

    @Test
    void encodesHeaderFamilyHeaderAndAlignedNestedAttributes() {
        byte[] b = NetlinkMessage.request(Rtnl.RTM_NEWTFILTER, Rtnl.NLM_F_CREATE)
                .tcmsg(7, 0x10, 0xFFFFFFF2, (5 << 16) | Rtnl.ETH_P_ALL_BE)
                .string(Rtnl.TCA_KIND, "bpf")
                .beginNested(Rtnl.TCA_OPTIONS)
                .u32(Rtnl.TCA_BPF_FD, 42)
                .string(Rtnl.TCA_BPF_NAME, "x")
                .endNested()
                .encode(99, 0);
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.nativeOrder());
        // header (16) + tcmsg (20) + kind "bpf\0" (4+4) + nest hdr (4) + fd (8) + name "x\0" padded (4+4) = 64
        assertEquals(64, b.length);
        assertEquals(64, bb.getInt(0));
        assertEquals(Rtnl.RTM_NEWTFILTER, bb.getShort(4));
        assertEquals(Rtnl.NLM_F_CREATE | Rtnl.NLM_F_REQUEST | Rtnl.NLM_F_ACK, bb.getShort(6));
        assertEquals(99, bb.getInt(8));
        assertEquals(7, bb.getInt(16 + 4));
        assertEquals(0x10, bb.getInt(16 + 8));
        assertEquals(0xFFFFFFF2, bb.getInt(16 + 12));
        assertEquals(8, bb.getShort(36));             // kind attr length: 4 + "bpf\0"
        assertEquals(Rtnl.TCA_KIND, bb.getShort(38));
        assertEquals(4 + 8 + 8, bb.getShort(44));     // nest length covers its children (last one unpadded too)
        assertEquals(Rtnl.TCA_OPTIONS | Rtnl.NLA_F_NESTED, bb.getShort(46) & 0xFFFF);
    }

    @Test
    void parsesWhatItEncodesIncludingNestedAttributes() {
        byte[] b = NetlinkMessage.request(Rtnl.RTM_NEWTFILTER, 0)
                .tcmsg(3, 1, 2, 0x00310300)
                .string(Rtnl.TCA_KIND, "bpf")
                .beginNested(Rtnl.TCA_OPTIONS).u32(Rtnl.TCA_BPF_ID, 1234).string(Rtnl.TCA_BPF_NAME, "count").endNested()
                .encode(1, 0);
        List<NetlinkReply> rs = NetlinkReply.parseAll(b, b.length);
        assertEquals(1, rs.size());
        NetlinkReply r = rs.get(0);
        assertEquals(new NetlinkReply.TcMsg(3, 1, 2, 0x00310300), r.tcmsg());
        assertEquals(0x31, r.tcmsg().priority());
        Attributes a = r.attributes(Rtnl.TCMSG_LEN);
        assertEquals("bpf", a.string(Rtnl.TCA_KIND).orElseThrow());
        Attributes o = a.nested(Rtnl.TCA_OPTIONS).orElseThrow();
        assertEquals(1234, o.u32(Rtnl.TCA_BPF_ID).orElseThrow());
        assertEquals("count", o.string(Rtnl.TCA_BPF_NAME).orElseThrow());
        assertTrue(o.u32(Rtnl.TCA_BPF_FD).isEmpty());
    }

    @Test
    void splitsSeveralMessagesInOneDatagram() {
        byte[] one = NetlinkMessage.dump(Rtnl.RTM_GETQDISC).tcmsg(1, 0, 0, 0).encode(5, 0);
        byte[] two = NetlinkMessage.request(Rtnl.RTM_GETLINK, 0).ifinfomsg(9, 0, 0).u32(Rtnl.IFLA_EXT_MASK, 8)
                .encode(6, 0);
        byte[] both = new byte[one.length + two.length];
        System.arraycopy(one, 0, both, 0, one.length);
        System.arraycopy(two, 0, both, one.length, two.length);
        List<NetlinkReply> rs = NetlinkReply.parseAll(both, both.length);
        assertEquals(2, rs.size());
        assertEquals(5, rs.get(0).seq());
        assertEquals(Rtnl.NLM_F_REQUEST | Rtnl.NLM_F_DUMP, rs.get(0).flags());
        assertEquals(9, rs.get(1).ifinfomsg().ifindex());
        assertEquals(8, rs.get(1).attributes(Rtnl.IFINFOMSG_LEN).u32(Rtnl.IFLA_EXT_MASK).orElseThrow());
    }

    @Test
    void rejectsLengthsThatRunPastTheBuffer() {
        byte[] b = NetlinkMessage.request(Rtnl.RTM_GETLINK, 0).ifinfomsg(1, 0, 0).u32(Rtnl.IFLA_EXT_MASK, 8)
                .encode(1, 0);
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.nativeOrder());
        bb.putInt(0, b.length + 4);   // message claims more than there is
        MalformedNetlinkException e = assertThrows(MalformedNetlinkException.class,
                () -> NetlinkReply.parseAll(b, b.length));
        assertTrue(e.getMessage().contains("claims " + (b.length + 4) + " bytes"), e.getMessage());

        bb.putInt(0, b.length);
        bb.putShort(16 + 16, (short) 200);   // attribute claims 200 bytes
        NetlinkReply r = NetlinkReply.parseAll(b, b.length).get(0);
        e = assertThrows(MalformedNetlinkException.class, () -> r.attributes(Rtnl.IFINFOMSG_LEN));
        assertTrue(e.getMessage().contains("attribute type " + Rtnl.IFLA_EXT_MASK), e.getMessage());

        bb.putShort(16 + 16, (short) 2);     // shorter than an attribute header
        assertThrows(MalformedNetlinkException.class, () -> r.attributes(Rtnl.IFINFOMSG_LEN));
    }

    @Test
    void shortFamilyHeaderIsMalformedNotAnIndexError() {
        byte[] b = new byte[16 + 8];
        ByteBuffer.wrap(b).order(ByteOrder.nativeOrder()).putInt(0, b.length).putShort(4, (short) Rtnl.RTM_NEWQDISC);
        NetlinkReply r = NetlinkReply.parseAll(b, b.length).get(0);
        assertThrows(MalformedNetlinkException.class, r::tcmsg);
    }

    @Test
    void readsTheKernelsExtendedAckMessageFromACappedError() {
        // NLMSG_ERROR: error -16, the original header (capped), then NLMSGERR_ATTR_MSG
        String text = "XDP program already attached";
        int attrLen = 4 + text.length() + 1;
        int len = 16 + 4 + 16 + NetlinkMessage.align(attrLen);
        ByteBuffer bb = ByteBuffer.allocate(len).order(ByteOrder.nativeOrder());
        bb.putInt(len).putShort((short) Rtnl.NLMSG_ERROR).putShort((short) (Rtnl.NLM_F_CAPPED | Rtnl.NLM_F_ACK_TLVS))
                .putInt(3).putInt(0);
        bb.putInt(-16);
        bb.putInt(32).putShort((short) Rtnl.RTM_SETLINK).putShort((short) 5).putInt(3).putInt(0);
        bb.putShort((short) attrLen).putShort((short) Rtnl.NLMSGERR_ATTR_MSG).put(text.getBytes()).put((byte) 0);
        NetlinkReply r = NetlinkReply.parseAll(bb.array(), len).get(0);
        assertEquals(-16, r.errorCode());
        assertEquals(text, r.extendedAckMessage());
    }

    @Test
    void builderRefusesMisuse() {
        assertThrows(IllegalStateException.class,
                () -> NetlinkMessage.request(Rtnl.RTM_GETLINK, 0).u32(Rtnl.IFLA_EXT_MASK, 1));
        assertThrows(IllegalStateException.class,
                () -> NetlinkMessage.request(Rtnl.RTM_GETLINK, 0).ifinfomsg(1, 0, 0).beginNested(1).encode(1, 0));
        assertThrows(IllegalStateException.class,
                () -> NetlinkMessage.request(Rtnl.RTM_GETLINK, 0).ifinfomsg(1, 0, 0).tcmsg(1, 0, 0, 0));
    }

    @Test
    void handlesFormatLikeTc() {
        assertEquals("ffff:fff2", Rtnl.formatHandle(Rtnl.tcHandle(Rtnl.TC_H_CLSACT, Rtnl.TC_H_MIN_INGRESS)));
        assertEquals(0xFFFF0000, TrafficControl.CLSACT_HANDLE);
    }
}

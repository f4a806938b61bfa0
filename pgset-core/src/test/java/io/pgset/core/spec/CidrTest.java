package io.pgset.core.spec;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CidrTest {

    @ParameterizedTest(name = "{1} in {0}: {2}")
    @CsvSource(delimiter = '|', value = {
            "127.0.0.1/32             | 127.0.0.1   | true",
            "127.0.0.1/32             | 127.0.0.2   | false",
            "10.0.0.0/8               | 10.200.3.4  | true",
            "10.0.0.0/8               | 11.0.0.1    | false",
            "0.0.0.0/0                | 192.0.2.1   | true",
            "fd00::/8                 | fd12::1     | true",
            "fd00::/8                 | 10.0.0.1    | false",
            "::ffff:10.0.0.0/104      | 10.1.2.3    | true",
            "10.0.0.0/8 127.0.0.1/32  | 127.0.0.1   | true",
    })
    void addressesAreMatchedAsPgHbaWould(String ranges, String address, boolean inside) throws Exception {
        assertThat(Cidr.contains(List.of(ranges.split(" +")), InetAddress.getByName(address))).isEqualTo(inside);
    }
}

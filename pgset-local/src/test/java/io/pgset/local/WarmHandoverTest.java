package io.pgset.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class WarmHandoverTest {

    @Test
    void handoverLineCarriesArgumentsAndLogExactly() throws Exception {
        List<String> args = List.of("instance", "--cluster=demo", "--pod-dir=/h/clusters/demo/pods/demo-1",
                "an argument with \"quotes\" and\nnewline");
        String line = WarmInstances.encode(args, Path.of("/h/clusters/demo/pods/demo-1/log"));

        assertThat(line).endsWith("\n").hasLineCount(1);
        WarmInstances.Handover handover = WarmInstances.Handover.decode(line.strip());
        assertThat(handover.args()).isEqualTo(args);
        assertThat(handover.log()).isEqualTo(Path.of("/h/clusters/demo/pods/demo-1/log"));
    }

    @Test
    void aLineThatIsNoHandoverIsRefusedWithWhatItWas() {
        assertThatThrownBy(() -> WarmInstances.Handover.decode("{\"args\": \"instance\"}"))
                .isInstanceOf(IOException.class).hasMessageContaining("not a handover").hasMessageContaining("instance");
    }
}

package io.pgset.instance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class RequestBodiesTest {

    @Test
    void endpointReadsHostAndPort() throws Exception {
        assertThat(RequestBodies.endpoint(bytes("{\"host\": \"10.0.0.7\", \"port\": 5432}")))
                .isEqualTo(new InstanceOptions.Endpoint("10.0.0.7", 5432));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"host\": \"10.0.0.7\"}                    | port: required, an integer 1-65535",
        "{\"host\": \"10.0.0.7\", \"port\": null}     | port: required, an integer 1-65535",
        "{\"host\": \"10.0.0.7\", \"port\": \"5432\"} | port: an integer 1-65535, got \"5432\"",
        "{\"host\": \"10.0.0.7\", \"port\": 0}        | port: an integer 1-65535, got 0",
        "{\"host\": \"10.0.0.7\", \"port\": 65536}    | port: an integer 1-65535, got 65536",
        "{\"host\": \"10.0.0.7\", \"port\": 5432.5}   | port: an integer 1-65535, got 5432.5",
        "{\"port\": 5432}                           | host: required, a host name or address (a string)",
        "{\"host\": \"\", \"port\": 5432}             | host: a host name or address (a string), got \"\"",
        "{\"host\": 7, \"port\": 5432}                | host: a host name or address (a string), got 7",
        "{}                                         | host: required, a host name or address (a string); port: required, an integer 1-65535",
        "[\"10.0.0.7\", 5432]                        | body: a JSON object expected",
        "host=10.0.0.7                              | body: a JSON object expected",
    })
    void endpointRefusesAMissingOrWronglyTypedField(String body, String message) {
        assertThatThrownBy(() -> RequestBodies.endpoint(bytes(body)))
                .isInstanceOf(ApiServer.BadRequest.class).hasMessage(message);
    }

    @Test
    void anEmptyBodyIsRefused() {
        assertThatThrownBy(() -> RequestBodies.endpoint(new byte[0]))
                .isInstanceOf(ApiServer.BadRequest.class).hasMessage("body: required, a JSON object");
        assertThatThrownBy(() -> RequestBodies.slots(new byte[0]))
                .isInstanceOf(ApiServer.BadRequest.class).hasMessage("body: required, a JSON object");
    }

    @Test
    void slotsReadsTheNamesAndAnEmptyArrayKeepsNone() throws Exception {
        assertThat(RequestBodies.slots(bytes("{\"slots\": [\"demo_1\", \"demo_2\"]}"))).containsExactly("demo_1", "demo_2");
        assertThat(RequestBodies.slots(bytes("{\"slots\": []}"))).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{}                           | slots: required, an array of replication slot names",
        "{\"slot\": [\"demo_1\"]}       | slots: required, an array of replication slot names",
        "{\"slots\": \"demo_1\"}        | slots: an array of replication slot names, got \"demo_1\"",
        "{\"slots\": [\"demo_1\", 2]}   | slots[1]: a replication slot name (a string), got 2",
        "{\"slots\": [null, \"\"]}      | slots[0]: required, a replication slot name (a string); slots[1]: a replication slot name (a string), got \"\"",
    })
    void slotsRefusesAMissingOrWronglyTypedField(String body, String message) {
        assertThatThrownBy(() -> RequestBodies.slots(bytes(body)))
                .isInstanceOf(ApiServer.BadRequest.class).hasMessage(message);
    }

    private static byte[] bytes(String json) {
        return json.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void backupReadsTypeAndRepository() throws Exception {
        assertThat(RequestBodies.backup(bytes("{\"type\": \"incr\", \"repo\": 2}")))
                .isEqualTo(new RequestBodies.BackupRequest(io.pgset.core.model.BackupSpec.BackupType.INCR, 2));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"repo\": 1}                       | type: required, full, diff or incr",
        "{\"type\": \"FULL\", \"repo\": 1}    | type: full, diff or incr, got \"FULL\"",
        "{\"type\": \"full\"}                | repo: required, a repository number (an integer from 1)",
        "{\"type\": \"full\", \"repo\": \"1\"} | repo: a repository number (an integer from 1), got \"1\"",
        "{\"type\": \"full\", \"repo\": 0}     | repo: a repository number (an integer from 1), got 0",
        "{}                                | type: required, full, diff or incr; repo: required, a repository number (an integer from 1)",
    })
    void backupRefusesAMissingOrWrongField(String body, String message) {
        assertThatThrownBy(() -> RequestBodies.backup(bytes(body)))
                .isInstanceOf(ApiServer.BadRequest.class).hasMessage(message);
    }

    @Test
    void reloadTakesNoBodyOrASpecThatReads() throws Exception {
        assertThat(RequestBodies.reload(new byte[0])).isEmpty();
        String spec = "apiVersion: pgset.io/v1alpha1\nkind: PostgresCluster\nmetadata: {name: demo}\n"
                + "spec: {instances: 2, postgres: {parameters: {work_mem: 8MB}}}\n";
        byte[] body = io.pgset.core.json.RecordJson.bytes(java.util.Map.of("spec", spec));
        assertThat(RequestBodies.reload(body)).get()
                .satisfies(s -> assertThat(s.postgres().parameters()).containsEntry("work_mem", "8MB"));
    }

    @Test
    void reloadRefusesASpecThatDoesNotReadWithItsProblems() throws Exception {
        byte[] invalid = io.pgset.core.json.RecordJson.bytes(java.util.Map.of("spec",
                "apiVersion: pgset.io/v1alpha1\nkind: PostgresCluster\nmetadata: {name: demo}\nspec: {instances: -1}\n"));
        assertThatThrownBy(() -> RequestBodies.reload(invalid)).isInstanceOf(ApiServer.BadRequest.class)
                .hasMessageStartingWith("spec: ").hasMessageContaining("instances");
        assertThatThrownBy(() -> RequestBodies.reload(bytes("{\"spec\": 7}"))).isInstanceOf(ApiServer.BadRequest.class)
                .hasMessage("spec: a cluster spec, as spec.yaml holds it (a string), got 7");
    }
}

from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True
    dependencies = []

    operations = [
        migrations.CreateModel(
            name="Counter",
            fields=[
                ("key", models.CharField(max_length=120, primary_key=True, serialize=False)),
                ("count", models.IntegerField(default=0)),
                ("expires", models.DateTimeField(db_index=True)),
            ],
        ),
    ]
